import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { UsersPreferencesRpc, type NotificationRecipient } from '@plinth/contracts';
import { RpcClient } from '@plinth/messaging';
import { NotificationsConfig } from '../config.js';
import type { EmailDeliveryStatus } from './email-delivery.entity.js';
import { renderNotificationEmail } from './notification-email.template.js';
import { SmtpMailer } from './smtp-mailer.js';

interface ClaimedDelivery {
  notification_id: string;
  attempts: number;
  user_id: string;
  title: string;
  body: string;
}

const BATCH_SIZE = 10;
const MAX_ERROR_LENGTH = 1000;

/**
 * Sends the emails queued in `email_deliveries`, after the notification's transaction committed.
 * A claim pushes `next_attempt_at` one lease ahead and counts the attempt (FOR UPDATE SKIP LOCKED,
 * so replicas never take the same row); the outcome is recorded right after the SMTP answer.
 * Residual at-least-once window: a crash between the server's acceptance and that record sends the
 * email again once the lease expires — same Message-ID, so a receiving system can drop it.
 */
@Injectable()
export class EmailSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EmailSender.name);
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeRequested = false;
  private wakeSleeper?: () => void;

  constructor(
    private readonly em: EntityManager,
    private readonly rpc: RpcClient,
    private readonly mailer: SmtpMailer,
    private readonly config: NotificationsConfig,
  ) {}

  get enabled(): boolean {
    return this.mailer.enabled;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loopDone;
  }

  /** Called after a transaction that queued an email committed: send now rather than at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      let claimed = 0;
      try {
        claimed = await this.sendDue();
      } catch (error) {
        this.logger.error(`Claiming due emails failed: ${(error as Error).message}`);
      }
      if (claimed < BATCH_SIZE) await this.sleep(this.config.EMAIL_POLL_INTERVAL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }

  private async sendDue(): Promise<number> {
    const connection = this.em.getConnection();
    const claimed = await connection.execute<ClaimedDelivery[]>(
      `update email_deliveries d set attempts = d.attempts + 1, next_attempt_at = now() + ? * interval '1 millisecond'
       from notifications n
       where n.id = d.notification_id and d.notification_id in (
         select notification_id from email_deliveries where status = 'pending' and next_attempt_at <= now()
         order by next_attempt_at limit ? for update skip locked)
       returning d.notification_id, d.attempts, n.user_id, n.title, n.body`,
      [this.config.EMAIL_CLAIM_LEASE_MS, BATCH_SIZE],
    );
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    try {
      const recipient = await this.rpc.send<NotificationRecipient>(UsersPreferencesRpc.recipient, { userId: delivery.user_id });
      if (!recipient.emailNotifications) return await this.record(delivery, 'skipped');
      await this.mailer.send({
        ...renderNotificationEmail(recipient, delivery),
        to: recipient.email,
        messageId: `<${delivery.notification_id}@notifications.plinth>`,
      });
      await this.record(delivery, 'sent');
    } catch (error) {
      await this.recordFailure(delivery, error as Error).catch((recordError: unknown) =>
        // The lease still holds the row back; it is retried when the lease ends.
        this.logger.error(`Recording the failed email ${delivery.notification_id} failed: ${(recordError as Error).message}`),
      );
    }
  }

  private async record(delivery: ClaimedDelivery, status: EmailDeliveryStatus): Promise<void> {
    await this.em.getConnection().execute(
      `update email_deliveries set status = ?, last_error = null, sent_at = case when ? then now() else null end where notification_id = ?`,
      [status, status === 'sent', delivery.notification_id],
    );
  }

  private async recordFailure(delivery: ClaimedDelivery, error: Error): Promise<void> {
    const reason = (error.message || String(error)).slice(0, MAX_ERROR_LENGTH);
    const dead = delivery.attempts >= this.config.EMAIL_MAX_ATTEMPTS;
    const delays = this.config.EMAIL_RETRY_DELAYS_MS;
    const delayMs = delays[Math.min(delivery.attempts - 1, delays.length - 1)] ?? 0;
    await this.em.getConnection().execute(
      `update email_deliveries set status = ?, last_error = ?, next_attempt_at = now() + ? * interval '1 millisecond' where notification_id = ?`,
      [dead ? 'dead' : 'pending', reason, delayMs, delivery.notification_id],
    );
    if (dead) {
      this.logger.error(`Email for notification ${delivery.notification_id} dead-lettered after ${delivery.attempts} attempts: ${reason}`);
    } else {
      this.logger.warn(`Email for notification ${delivery.notification_id} failed (attempt ${delivery.attempts}), retrying in ${delayMs} ms: ${reason}`);
    }
  }
}
