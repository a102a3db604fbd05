import { describe, expect, it } from 'vitest';
import { accessTokenClaims } from './access-token-claims.js';

describe('accessTokenClaims', () => {
  const subject = { userId: 'user-1', sessionId: 'session-1', roles: ['user', 'admin'] as const };
  const policy = { issuer: 'plinth-auth', audience: 'plinth', ttlSeconds: 900 };

  it('carries subject, session, roles, issuer and audience', () => {
    const claims = accessTokenClaims(subject, policy, new Date('2026-11-24T12:00:00.000Z'));
    expect(claims).toMatchObject({ sub: 'user-1', sid: 'session-1', roles: ['user', 'admin'], iss: 'plinth-auth', aud: 'plinth' });
  });

  it('issues at the current whole second and expires ttl seconds later', () => {
    const claims = accessTokenClaims(subject, policy, new Date('2026-11-24T12:00:00.999Z'));
    expect(claims.iat).toBe(Date.parse('2026-11-24T12:00:00.000Z') / 1000);
    expect(claims.exp).toBe(claims.iat + 900);
  });
});
