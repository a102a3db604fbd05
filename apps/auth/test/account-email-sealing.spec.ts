import { createHash } from 'node:crypto';
import { AuthEvents, AuthRpc, type AccountEmailRequestedData } from '@plinth/contracts';
import { SealedField, sealingKeyOf } from '@plinth/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_EMAIL_SEALING_KEY, AuthTestSystem } from './support/auth-test-system.js';

// The raw one-time token must exist only in auth's memory and the email: the event and the outbox hold ciphertext.
describe('account email tokens are sealed on their way to notifications (built app, real Postgres and RabbitMQ)', () => {
  let auth: AuthTestSystem;

  beforeAll(async () => {
    auth = await AuthTestSystem.start();
  }, 120_000);

  afterAll(async () => {
    await auth?.stop();
  });

  it('puts a sealed reset token in the event and the outbox, whose opened value is the token auth stored the hash of', async () => {
    const registered = await auth.register('sealed');
    await auth.rpc.send(AuthRpc.forgotPassword, { email: registered.user.email });
    const [event] = await auth.events.waitFor<AccountEmailRequestedData>(
      AuthEvents.accountEmailRequested,
      (data) => data.userId === registered.user.id && data.kind === 'password-reset',
    );
    const sealed = event?.data.token ?? '';
    expect(sealed).toMatch(/^aes256gcm\./);
    const raw = new SealedField(sealingKeyOf(ACCOUNT_EMAIL_SEALING_KEY)).open(sealed);
    expect(raw).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const connection = auth.orm.em.getConnection();
    const stored = await connection.execute<{ token_hash: string }[]>(
      `select token_hash from account_tokens where user_id = ? and purpose = 'password-reset'`, [registered.user.id],
    );
    expect(stored.map((row) => row.token_hash)).toEqual([createHash('sha256').update(raw).digest('hex')]);
    const leaks = await connection.execute<{ n: string }[]>(
      `select count(*) as n from outbox_message where payload::text like ?`, [`%${raw}%`],
    );
    expect(Number(leaks[0]?.n)).toBe(0);
    const sealedRows = await connection.execute<{ n: string }[]>(
      `select count(*) as n from outbox_message where payload::text like ?`, [`%${sealed.slice(0, 40)}%`],
    );
    expect(Number(sealedRows[0]?.n)).toBe(1);
  }, 60_000);
});
