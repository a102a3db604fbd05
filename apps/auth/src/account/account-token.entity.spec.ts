import { describe, expect, it } from 'vitest';
import { AccountToken } from './account-token.entity.js';

const createdAt = new Date('2026-12-02T12:00:00.000Z');
const token = () => new AccountToken({ userId: '0195f3a0-0000-7000-8000-000000000001', purpose: 'password-reset', tokenHash: 'h', createdAt, expiresAt: new Date(createdAt.getTime() + 30 * 60_000) });

describe('AccountToken.isUsable', () => {
  it('is usable until its expiry instant, not at it', () => {
    expect(token().isUsable(new Date(createdAt.getTime() + 30 * 60_000 - 1))).toBe(true);
    expect(token().isUsable(new Date(createdAt.getTime() + 30 * 60_000))).toBe(false);
  });

  it('is not usable once spent or voided', () => {
    const spent = Object.assign(token(), { usedAt: createdAt });
    const voided = Object.assign(token(), { invalidatedAt: createdAt });
    expect(spent.isUsable(createdAt)).toBe(false);
    expect(voided.isUsable(createdAt)).toBe(false);
  });
});
