import { describe, expect, it } from 'vitest';
import { hashRefreshTokenSecret } from './refresh-token-secret.js';
import { issueRefreshToken, rotateRefreshToken } from './refresh-token-rotation.js';

const SESSION_ID = '01935a3e-0000-7000-8000-000000000001';
const now = new Date('2026-11-24T12:00:00.000Z');
const TTL_SECONDS = 3_600;

describe('issueRefreshToken', () => {
  it('stores only the SHA-256 of a 256-bit base64url secret', () => {
    const { token, secret } = issueRefreshToken(SESSION_ID, now, TTL_SECONDS);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token.tokenHash).toBe(hashRefreshTokenSecret(secret));
    expect(token.tokenHash).not.toContain(secret);
  });

  it('expires the token ttl seconds after issue', () => {
    const { token } = issueRefreshToken(SESSION_ID, now, TTL_SECONDS);
    expect(token.createdAt).toEqual(now);
    expect(token.expiresAt).toEqual(new Date('2026-11-24T13:00:00.000Z'));
    expect(token.usedAt).toBeNull();
  });

  it('never issues the same secret twice', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => issueRefreshToken(SESSION_ID, now, TTL_SECONDS).secret));
    expect(secrets.size).toBe(100);
  });
});

describe('rotateRefreshToken', () => {
  it('marks the presented token used and links it to its successor in the same session', () => {
    const { token: presented } = issueRefreshToken(SESSION_ID, new Date('2026-11-24T11:00:00.000Z'), TTL_SECONDS);
    const { token: successor, secret } = rotateRefreshToken(presented, now, TTL_SECONDS);
    expect(presented.usedAt).toEqual(now);
    expect(presented.replacedBy).toBe(successor.id);
    expect(successor.sessionId).toBe(SESSION_ID);
    expect(successor.tokenHash).toBe(hashRefreshTokenSecret(secret));
    expect(successor.tokenHash).not.toBe(presented.tokenHash);
  });

  it('gives the successor a full lifetime from the moment of rotation', () => {
    const { token: presented } = issueRefreshToken(SESSION_ID, new Date('2026-11-24T11:59:00.000Z'), TTL_SECONDS);
    const { token: successor } = rotateRefreshToken(presented, now, TTL_SECONDS);
    expect(successor.expiresAt).toEqual(new Date('2026-11-24T13:00:00.000Z'));
  });
});
