import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { generateRefreshTokenSecret, hashRefreshTokenSecret } from '../sessions/refresh-token-secret.js';
import { AccountToken, type AccountTokenPurpose } from './account-token.entity.js';

export interface IssuedAccountToken {
  secret: string;
  expiresAt: Date;
}

const invalidToken = () => new ApplicationError(ErrorCodes.AUTH_INVALID_TOKEN, 'The link is invalid or has expired; ask for a new one');

/** Ends every outstanding token of the user (of one purpose, or all): a newer token or a password change voids them. */
export async function invalidateAccountTokens(tx: EntityManager, userId: string, now: Date, purpose?: AccountTokenPurpose): Promise<void> {
  await tx.nativeUpdate(
    AccountToken,
    { userId, usedAt: null, invalidatedAt: null, ...(purpose ? { purpose } : {}) },
    { invalidatedAt: now },
  );
}

/** 256 random bits like a refresh token, stored only hashed; every older token of the purpose becomes void. */
export async function issueAccountToken(tx: EntityManager, userId: string, purpose: AccountTokenPurpose, ttlSeconds: number): Promise<IssuedAccountToken> {
  const now = new Date();
  await invalidateAccountTokens(tx, userId, now, purpose);
  const secret = generateRefreshTokenSecret();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  tx.persist(new AccountToken({ userId, purpose, tokenHash: hashRefreshTokenSecret(secret), createdAt: now, expiresAt }));
  return { secret, expiresAt };
}

/** The usable token with this secret, read without spending it (the spending transaction checks again). */
export async function findUsableAccountToken(em: EntityManager, secret: string, purpose: AccountTokenPurpose): Promise<AccountToken> {
  const token = await em.findOne(AccountToken, { tokenHash: hashRefreshTokenSecret(secret), purpose });
  if (!token || !token.isUsable(new Date())) throw invalidToken();
  return token;
}

/** Spends a token under a row lock (two concurrent redemptions: one wins); unknown, spent, void or expired are alike. */
export async function redeemAccountToken(tx: EntityManager, secret: string, purpose: AccountTokenPurpose): Promise<AccountToken> {
  const token = await tx.findOne(AccountToken, { tokenHash: hashRefreshTokenSecret(secret), purpose }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const now = new Date();
  if (!token || !token.isUsable(now)) throw invalidToken();
  token.usedAt = now;
  return token;
}
