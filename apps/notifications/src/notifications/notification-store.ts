import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@plinth/contracts';
import { Inbox, type OutboxMessage } from '@plinth/messaging';
import { GroupCommit, PreparedStatement } from '@plinth/persistence';
import { EmailSender } from '../email/email-sender.js';
import type { Notification } from './notification.entity.js';

/** One event's effect: its notification and the `notification.created` outbox row, once per (event, consumer). */
export interface NotificationWrite {
  event: EventEnvelope;
  consumer: string;
  notification: Notification;
  outboxRow: OutboxMessage;
}

/** Up to a prefetch's worth of deliveries per statement. */
const MAX_BATCH = 64;

// The batch as ONE statement: each input row is recorded in the inbox first; only the rows recorded now (not
// duplicates) get their user's next sequence numbers (one upsert per user, numbered in delivery order), their
// notification, outbox row and, with SMTP, their email delivery. The sequence rows stay locked until the statement
// commits (sequence order = commit order), and are locked in user_id order so concurrent batches cannot deadlock.
const batchSql = (withEmail: boolean) => `with "input" as (
    select * from jsonb_to_recordset($1::jsonb) as i("ordinal" int, "message_id" uuid, "consumer" text, "id" uuid,
      "user_id" uuid, "type" varchar(50), "title" varchar(200), "body" text, "data" jsonb, "created_at" timestamptz(3),
      "outbox_id" uuid, "outbox_type" text, "outbox_payload" jsonb, "outbox_headers" jsonb, "outbox_created_at" timestamptz)),
  "recorded" as (insert into "inbox_message" ("message_id", "consumer", "processed_at")
    select "message_id", "consumer", now() from "input" order by "message_id", "consumer"
    on conflict do nothing returning "message_id", "consumer"),
  "fresh" as (select "input".*, row_number() over (partition by "user_id" order by "ordinal") as "nth",
      count(*) over (partition by "user_id") as "of_user"
    from "input" join "recorded" using ("message_id", "consumer")),
  "sequence" as (insert into "notification_sequences" ("user_id", "last_sequence")
    select "user_id", count(*)::int from "fresh" group by "user_id" order by "user_id"
    on conflict ("user_id") do update set "last_sequence" = "notification_sequences"."last_sequence" + excluded."last_sequence"
    returning "user_id", "last_sequence"),
  "numbered" as (select "fresh".*, ("sequence"."last_sequence" - "fresh"."of_user" + "fresh"."nth")::int as "sequence"
    from "fresh" join "sequence" using ("user_id")),
  "notification" as (insert into "notifications" ("id", "user_id", "sequence", "type", "title", "body", "data", "read", "created_at")
    select "id", "user_id", "sequence", "type", "title", "body", "data", false, "created_at" from "numbered" returning "id"),
  "event" as (insert into "outbox_message" ("id", "type", "payload", "headers", "created_at")
    select "outbox_id", "outbox_type", jsonb_set("outbox_payload", '{data,sequence}', to_jsonb("sequence")), "outbox_headers",
      "outbox_created_at" from "numbered" join "notification" using ("id"))${withEmail ? `,
  "email" as (insert into "email_deliveries" ("notification_id", "next_attempt_at", "created_at")
    select "id", "created_at", "created_at" from "numbered" join "notification" using ("id"))` : ''}
  select "ordinal", "sequence" from "numbered" join "notification" using ("id")`;

const STORE_BATCH = new PreparedStatement<{ ordinal: number; sequence: number }>('notifications_store_batch', batchSql(false));
const STORE_BATCH_WITH_EMAIL = new PreparedStatement<{ ordinal: number; sequence: number }>('notifications_store_batch_email', batchSql(true));

/**
 * Writes notifications exactly once per (event, consumer), with their outbox row (and email delivery), as group
 * commits: the deliveries that are ready go to PostgreSQL together as one statement, so a burst of N events costs
 * one round trip, one commit and one plan instead of N. A batch that fails is retried event by event (a poison
 * event fails alone and is retried / dead-lettered by the transport; its neighbours commit). Each caller's
 * promise settles after its own write committed, so the transport still acks only after the commit.
 */
@Injectable()
export class NotificationStore {
  private readonly writes = new GroupCommit<NotificationWrite, number | undefined>({
    writeBatch: (writes) => this.storeBatch(writes),
    writeOne: (write) => this.storeOne(write),
    maxBatch: MAX_BATCH,
    // A redelivered event that meets its first delivery in one batch waits for the next one (and is skipped there).
    keyOf: ({ event, consumer }) => `${event.id} ${consumer}`,
  });

  constructor(
    private readonly em: EntityManager,
    private readonly inbox: Inbox,
    private readonly email: EmailSender,
  ) {}

  /**
   * The stream sequence given to the notification, or undefined when this consumer had applied the event already.
   * The outbox row's payload gets the sequence too (in the database and here).
   */
  store(write: NotificationWrite): Promise<number | undefined> {
    return this.writes.submit(write);
  }

  private async storeBatch(writes: NotificationWrite[]): Promise<(number | undefined)[]> {
    const input = writes.map(({ event, consumer, notification, outboxRow }, ordinal) => ({
      ordinal, message_id: event.id, consumer,
      id: notification.id, user_id: notification.userId, type: notification.type, title: notification.title, body: notification.body,
      data: notification.data, created_at: notification.createdAt,
      outbox_id: outboxRow.id, outbox_type: outboxRow.type, outbox_payload: outboxRow.payload, outbox_headers: outboxRow.headers,
      outbox_created_at: outboxRow.createdAt,
    }));
    const statement = this.email.enabled ? STORE_BATCH_WITH_EMAIL : STORE_BATCH;
    const rows = await statement.execute(this.em, [JSON.stringify(input)]);
    const sequences: (number | undefined)[] = writes.map(() => undefined);
    for (const { ordinal, sequence } of rows) sequences[ordinal] = sequence;
    return sequences;
  }

  /** The same effect for one event, as one statement of its own (the inbox's recordOnce CTE). */
  private async storeOne({ event, consumer, notification, outboxRow }: NotificationWrite): Promise<number | undefined> {
    const recordOnce = this.inbox.recordOnce(event, consumer);
    const email = this.email.enabled
      ? `, "email" as (insert into "email_deliveries" ("notification_id", "next_attempt_at", "created_at") select ?, ?, ? from "notification")`
      : '';
    const rows = await this.em.fork().execute<{ sequence: number }[]>(
      `with "recorded" as (${recordOnce.sql}),
        "sequence" as (insert into "notification_sequences" ("user_id", "last_sequence") select ?, 1 from "recorded"
          on conflict ("user_id") do update set "last_sequence" = "notification_sequences"."last_sequence" + 1 returning "last_sequence"),
        "notification" as (insert into "notifications" ("id", "user_id", "sequence", "type", "title", "body", "data", "read", "created_at")
          select ?, ?, "last_sequence", ?, ?, ?, ?::jsonb, false, ? from "sequence" returning "sequence"),
        "event" as (insert into "outbox_message" ("id", "type", "payload", "headers", "created_at")
          select ?, ?, jsonb_set(?::jsonb, '{data,sequence}', to_jsonb("sequence")), ?::jsonb, ? from "notification")${email}
      select "sequence" from "notification"`,
      [
        ...recordOnce.params,
        notification.userId,
        notification.id, notification.userId, notification.type, notification.title, notification.body, JSON.stringify(notification.data), notification.createdAt,
        outboxRow.id, outboxRow.type, JSON.stringify(outboxRow.payload), JSON.stringify(outboxRow.headers), outboxRow.createdAt,
        ...(email ? [notification.id, notification.createdAt, notification.createdAt] : []),
      ],
    );
    return rows[0]?.sequence;
  }
}
