import type { AccessTokenClaims, Role } from '@plinth/contracts';

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  roles: readonly Role[];
}

export interface AccessTokenPolicy {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export function accessTokenClaims(subject: AccessTokenSubject, policy: AccessTokenPolicy, now: Date): AccessTokenClaims {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    sub: subject.userId,
    sid: subject.sessionId,
    roles: [...subject.roles],
    iss: policy.issuer,
    aud: policy.audience,
    iat,
    exp: iat + policy.ttlSeconds,
  };
}
