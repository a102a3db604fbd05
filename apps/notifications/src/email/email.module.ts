import { Module } from '@nestjs/common';
import { EmailSender } from './email-sender.js';
import { SmtpMailer } from './smtp-mailer.js';

/** Emails notifications when SMTP_URL is set; inert otherwise. */
@Module({
  providers: [EmailSender, SmtpMailer],
  exports: [EmailSender, SmtpMailer],
})
export class EmailModule {}
