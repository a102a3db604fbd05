import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AccountEmailRequestedEvent, AuthEvents } from '@plinth/contracts';
import { Inbox, SealedField, sealingKeyOf } from '@plinth/messaging';
import { NotificationsConfig } from '../config.js';
import { SmtpMailer } from '../email/smtp-mailer.js';
import { renderAccountEmail } from './account-email.template.js';

/** Inbox consumer name: renaming it would make already-sent account emails look new. */
const ACCOUNT_EMAIL_CONSUMER = 'notifications.account-email';

/**
 * Sends auth's account emails. Not notifications: they hold one-time tokens, so nothing of them is stored, listed or
 * streamed. The send runs inside the inbox transaction: a refused send rolls it back and the event is retried (then
 * dead-lettered) by the broker; a redelivery after the commit is skipped, so each is sent once (the same residual
 * window as notification emails: a crash between the SMTP acceptance and the commit sends it again, same Message-ID).
 */
@Controller()
export class AccountEmailsHandlers {
  private readonly logger = new Logger(AccountEmailsHandlers.name);
  private readonly sealed: SealedField;

  constructor(
    private readonly inbox: Inbox,
    private readonly mailer: SmtpMailer,
    private readonly config: NotificationsConfig,
  ) {
    this.sealed = new SealedField(sealingKeyOf(config.ACCOUNT_EMAIL_SEALING_KEY));
  }

  @EventPattern(AuthEvents.accountEmailRequested)
  async onAccountEmailRequested(@Payload() event: AccountEmailRequestedEvent): Promise<void> {
    await this.inbox.process(event, ACCOUNT_EMAIL_CONSUMER, async () => {
      const { data } = event;
      if (!this.mailer.enabled) {
        this.logger.warn(`SMTP_URL is not set: the ${data.kind} email for user ${data.userId} is not sent`);
        return;
      }
      const email = renderAccountEmail({
        kind: data.kind,
        token: data.token === null ? null : this.sealed.open(data.token),
        expiresAt: data.expiresAt,
        linkBaseUrl: this.config.ACCOUNT_LINK_BASE_URL,
      });
      await this.mailer.send({ ...email, to: data.email, messageId: `<${event.id}@notifications.plinth>` });
    });
  }
}
