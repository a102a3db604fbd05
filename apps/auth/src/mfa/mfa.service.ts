import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  ApplicationError, ErrorCodes, type Actor, type AuthResult, type ClientContext, type LoginMfaRequest, type RecoveryCodes, type TotpEnrolment,
} from '@plinth/contracts';
import { redeemAccountToken } from '../account/account-tokens.js';
import { toAuthenticatedUser } from '../credentials/credential.mapper.js';
import { Credential } from '../credentials/credential.entity.js';
import { SecurityTrail } from '../security-events/security-trail.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { RecoveryCode } from './recovery-code.entity.js';
import { TotpFactor } from './totp-factor.entity.js';
import { hashRecoveryCode, isRecoveryCodeFormat, newRecoveryCodes, newTotpSecret, otpauthUrlOf, totpStepOf } from './totp-codes.js';
import { TotpSecretCipher } from './totp-secret-cipher.js';

/** Wrong codes in a row before the factor locks, and for how long: per account, whatever the client address. */
export const MFA_MAX_FAILED_ATTEMPTS = 5;
const MFA_LOCK_MS = 15 * 60_000;

const invalidCode = () => new ApplicationError(ErrorCodes.AUTH_INVALID_MFA_CODE, 'The code is incorrect or was already used');
// The gateway turns retryAfterSeconds into Retry-After, so a client knows when the second step opens again.
const locked = (until: Date, now: Date) =>
  new ApplicationError(ErrorCodes.RATE_LIMITED, 'Too many wrong codes; try again later', { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) });

/** TOTP (RFC 6238) as a second factor with single-use recovery codes. */
@Injectable()
export class MfaService {
  constructor(
    private readonly em: EntityManager,
    private readonly sessions: SessionsService,
    private readonly trail: SecurityTrail,
    private readonly cipher: TotpSecretCipher,
  ) {}

  /** A new secret, not in force until confirmed; starting again replaces an unconfirmed one. */
  async start(actor: Actor): Promise<TotpEnrolment> {
    return this.em.fork().transactional(async (tx) => {
      const credential = await tx.findOne(Credential, actor.userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!credential) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'User not found');
      const existing = await tx.findOne(TotpFactor, { userId: actor.userId });
      if (existing?.confirmedAt) throw new ApplicationError(ErrorCodes.CONFLICT, 'Two-factor authentication is already on; turn it off first');
      const secret = newTotpSecret();
      if (existing) tx.remove(existing);
      await tx.flush();
      tx.persist(new TotpFactor(actor.userId, this.cipher.seal(secret)));
      return { secret, otpauthUrl: otpauthUrlOf(secret, credential.email) };
    });
  }

  /** The first code proves the app has the secret: TOTP is on, and the recovery codes are shown this once. */
  async confirm(actor: Actor, code: string, client: ClientContext): Promise<RecoveryCodes> {
    const result = await this.em.fork().transactional(async (tx) => {
      const factor = await tx.findOne(TotpFactor, { userId: actor.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!factor || factor.confirmedAt) throw invalidCode();
      const ok = this.acceptTotp(factor, code, new Date());
      if (!ok) return undefined;
      factor.confirmedAt = new Date();
      const codes = newRecoveryCodes();
      await tx.nativeDelete(RecoveryCode, { userId: actor.userId });
      for (const recovery of codes) tx.persist(new RecoveryCode(actor.userId, hashRecoveryCode(recovery)));
      this.trail.record(tx, { userId: actor.userId, type: 'mfa-enabled', actorId: actor.userId, client });
      return { recoveryCodes: codes };
    });
    if (!result) throw invalidCode();
    return result;
  }

  /** Turning TOTP off needs a current code (or a recovery code). */
  async disable(actor: Actor, code: string, client: ClientContext): Promise<void> {
    const done = await this.em.fork().transactional(async (tx) => {
      const factor = await tx.findOne(TotpFactor, { userId: actor.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!factor?.confirmedAt) throw invalidCode();
      if (!(await this.acceptCode(tx, factor, code, new Date()))) return false;
      tx.remove(factor);
      await tx.nativeDelete(RecoveryCode, { userId: actor.userId });
      this.trail.record(tx, { userId: actor.userId, type: 'mfa-disabled', actorId: actor.userId, client });
      return true;
    });
    if (!done) throw invalidCode();
  }

  /** The second step of a login: the mfaToken of the first step (spent on success only) and a code. */
  async login(request: LoginMfaRequest): Promise<AuthResult> {
    const outcome = await this.em.fork().transactional(async (tx) => {
      // Checked without spending first: a wrong code leaves the token usable until it expires (attempts are limited).
      const challenge = await redeemAccountToken(tx, request.mfaToken, 'mfa-login');
      const factor = await tx.findOne(TotpFactor, { userId: challenge.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const credential = await tx.findOneOrFail(Credential, challenge.userId, { lockMode: LockMode.PESSIMISTIC_READ });
      if (!factor?.confirmedAt || credential.disabledAt) throw invalidCode();
      if (!(await this.acceptCode(tx, factor, request.code, new Date()))) {
        challenge.usedAt = null;
        this.trail.record(tx, { userId: credential.id, type: 'login-failed', actorId: null, client: request.client });
        return undefined;
      }
      this.trail.record(tx, { userId: credential.id, type: 'login-succeeded', actorId: credential.id, client: request.client });
      return { user: toAuthenticatedUser(credential), tokens: await this.sessions.open(tx, credential, request.client) };
    });
    if (!outcome) throw invalidCode();
    return outcome;
  }

  /** A TOTP code of a step after the last one used, or an unused recovery code; counts failures (in `tx`, committed). */
  private async acceptCode(tx: EntityManager, factor: TotpFactor, code: string, now: Date): Promise<boolean> {
    if (!isRecoveryCodeFormat(code)) return this.acceptTotp(factor, code, now);
    this.assertNotLocked(factor, now);
    const recovery = await tx.findOne(RecoveryCode, { userId: factor.userId, codeHash: hashRecoveryCode(code), usedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!recovery) return this.failed(factor, now);
    recovery.usedAt = now;
    factor.failedAttempts = 0;
    return true;
  }

  private acceptTotp(factor: TotpFactor, code: string, now: Date): boolean {
    this.assertNotLocked(factor, now);
    const step = totpStepOf(this.cipher.open(factor.secret), code, now);
    if (step === null || (factor.lastUsedStep !== null && step <= Number(factor.lastUsedStep))) return this.failed(factor, now);
    factor.lastUsedStep = step;
    factor.failedAttempts = 0;
    return true;
  }

  private assertNotLocked(factor: TotpFactor, now: Date): void {
    if (factor.lockedUntil && factor.lockedUntil.getTime() > now.getTime()) throw locked(factor.lockedUntil, now);
  }

  private failed(factor: TotpFactor, now: Date): false {
    factor.failedAttempts += 1;
    if (factor.failedAttempts >= MFA_MAX_FAILED_ATTEMPTS) {
      factor.failedAttempts = 0;
      factor.lockedUntil = new Date(now.getTime() + MFA_LOCK_MS);
    }
    return false;
  }
}
