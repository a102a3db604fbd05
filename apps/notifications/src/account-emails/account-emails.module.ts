import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module.js';
import { AccountEmailsHandlers } from './account-emails.handlers.js';

@Module({
  imports: [EmailModule],
  controllers: [AccountEmailsHandlers],
})
export class AccountEmailsModule {}
