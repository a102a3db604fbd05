import { AuthEvents, OrderCreatedEvent, OrdersEvents, Roles, UserRegisteredEvent, UsersPreferencesRpc, type UserPreferences } from '@plinth/contracts';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpPeer, waitUntil } from '@plinth/testing';
import { NotificationsTestSystem } from './support/notifications-test-system.js';

// notifications + users (the recipient's address and preference) as built processes, a real SMTP
// server on loopback as the relay. Short retry delays so a refused attempt is retried within the test.
let harness: NotificationsTestSystem;
let smtp: SmtpPeer;

beforeAll(async () => {
  smtp = await SmtpPeer.start();
  harness = await NotificationsTestSystem.start({
    services: ['users', 'notifications'],
    notificationsEnv: { SMTP_URL: smtp.url, EMAIL_FROM: 'Plinth <no-reply@plinth.test>', EMAIL_MAX_ATTEMPTS: '3', EMAIL_RETRY_DELAYS_MS: '200', EMAIL_POLL_INTERVAL_MS: '50' },
  });
}, 120_000);
afterAll(async () => {
  await harness?.stop();
  await smtp?.stop();
});

interface Delivery {
  notification_id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
}

const deliveriesOf = (userId: string) =>
  harness.sql<Delivery>(
    'select d.notification_id, d.status, d.attempts, d.last_error, d.sent_at from email_deliveries d join notifications n on n.id = d.notification_id where n.user_id = ? order by n.sequence',
    [userId],
  );

const registration = (displayName = 'Ada') => {
  const userId = randomUUID();
  const email = `${userId.slice(0, 8)}@example.test`;
  return { userId, email, event: harness.event(AuthEvents.userRegistered, UserRegisteredEvent.VERSION, { userId, email, displayName }, 'auth') };
};

const orderCreated = (userId: string) =>
  harness.event(
    OrdersEvents.orderCreated,
    OrderCreatedEvent.VERSION,
    { orderId: randomUUID(), userId, status: 'pending', currency: 'EUR', total: 1999, items: [{ sku: 'MUG', quantity: 1, unitPrice: 1999 }] },
    'orders',
  );

describe('email notifications', () => {
  it('emails a stored notification once, as text and as HTML with the user content escaped', async () => {
    const { userId, email, event } = registration('Ada <b>&</b>');
    await harness.publish(event);
    await waitUntil(() => smtp.to(email).length === 1, 20_000);

    const [delivery] = await deliveriesOf(userId);
    const [message] = smtp.to(email);
    expect(message).toEqual({
      from: 'no-reply@plinth.test',
      to: [email],
      subject: 'Welcome to Plinth',
      messageId: `<${delivery?.notification_id}@notifications.plinth>`,
      text: 'Hello Ada <b>&</b>,\n\nWelcome to Plinth\n\nHi Ada <b>&</b>, your account is ready.\n\n-- \nYou receive this because email notifications are on for your Plinth account. Turn them off in your preferences.'.replace(/\n/g, '\r\n'),
      html: expect.stringContaining('<p>Hello Ada &lt;b&gt;&amp;&lt;/b&gt;,</p>'),
    });
    expect(message?.html).toContain('<p>Hi Ada &lt;b&gt;&amp;&lt;/b&gt;, your account is ready.</p>');
    expect(message?.html).not.toContain('<b>&</b>');
    expect(delivery).toMatchObject({ status: 'sent', last_error: null, sent_at: expect.any(String) });
  });

  it('retries after the SMTP server refused the first attempt, and sends exactly one email', async () => {
    const { userId, email, event } = registration();
    smtp.refuseOnce.add(email);
    await harness.publish(event);
    await waitUntil(() => smtp.to(email).length === 1, 20_000);
    await waitUntil(async () => (await deliveriesOf(userId))[0]?.status === 'sent');

    expect(smtp.rcptAttempts.get(email)).toBe(2);
    expect(await deliveriesOf(userId)).toEqual([expect.objectContaining({ status: 'sent', attempts: 2, last_error: null })]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('sends no second email when the triggering event is delivered again', async () => {
    const first = registration();
    await harness.publish(first.event);
    await waitUntil(() => smtp.to(first.email).length === 1, 20_000);

    await harness.publish(first.event);
    // PREFETCH=1: once a later event's email is out, the redelivered one was handled (and skipped).
    const later = registration();
    await harness.publish(later.event);
    await waitUntil(() => smtp.to(later.email).length === 1, 20_000);

    expect(smtp.to(first.email)).toHaveLength(1);
    expect(await deliveriesOf(first.userId)).toHaveLength(1);
  });

  it('sends nothing once the user turned email notifications off, and records why', async () => {
    const { userId, email, event } = registration();
    await harness.publish(event);
    await waitUntil(() => smtp.to(email).length === 1, 20_000);
    const preferences = await harness.rpc.send<UserPreferences>(UsersPreferencesRpc.update, {
      actor: { userId, roles: [Roles.USER] },
      userId,
      emailNotifications: false,
    });
    expect(preferences).toEqual({ emailNotifications: false });

    await harness.publish(orderCreated(userId));
    await waitUntil(async () => (await deliveriesOf(userId)).length === 2 && (await deliveriesOf(userId))[1]?.status === 'skipped', 20_000);
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('dead-letters an email the server keeps refusing after EMAIL_MAX_ATTEMPTS attempts', async () => {
    const { userId, email, event } = registration();
    smtp.refuseAlways.add(email);
    await harness.publish(event);
    await waitUntil(async () => (await deliveriesOf(userId))[0]?.status === 'dead', 20_000);

    const [delivery] = await deliveriesOf(userId);
    expect(delivery).toMatchObject({ status: 'dead', attempts: 3, last_error: expect.stringContaining('550'), sent_at: null });
    expect(smtp.rcptAttempts.get(email)).toBe(3);
    expect(smtp.to(email)).toEqual([]);
  });
});
