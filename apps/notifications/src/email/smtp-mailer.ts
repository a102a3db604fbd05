import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { NotificationsConfig } from '../config.js';
import type { RenderedEmail } from './notification-email.template.js';

export interface OutgoingEmail extends RenderedEmail {
  to: string;
  /** Stable per notification, so a resend after a crash is recognisable as the same message downstream. */
  messageId: string;
}

/** nodemailer over SMTP_URL, pooled; timeouts bounded well below EMAIL_CLAIM_LEASE_MS. */
@Injectable()
export class SmtpMailer implements OnApplicationShutdown {
  private transport?: Transporter;

  constructor(private readonly config: NotificationsConfig) {}

  get enabled(): boolean {
    return this.config.SMTP_URL !== '';
  }

  /** Resolves once the SMTP server accepted the message; rejects on any refusal or timeout. */
  async send(email: OutgoingEmail): Promise<void> {
    await this.transporter().sendMail({
      from: this.config.EMAIL_FROM,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  private transporter(): Transporter {
    this.transport ??= createTransport({
      url: this.config.SMTP_URL,
      pool: true,
      maxConnections: 2,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return this.transport;
  }
}
