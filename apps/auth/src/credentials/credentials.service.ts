import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  ApplicationError,
  ErrorCodes,
  Roles,
  type Actor,
  type AuthenticatedUser,
  type AuthResult,
  type ClientContext,
  type LoginRpcRequest,
  type RegisterRpcRequest,
  type Role,
} from '@plinth/contracts';
import { Outbox } from '@plinth/messaging';
import { assertAdmin } from '../admin-actor.js';
import { rolesChanged, userRegistered } from '../auth-events.js';
import { issueAccountToken } from '../account/account-tokens.js';
import { TotpFactor } from '../mfa/totp-factor.entity.js';
import { SecurityTrail } from '../security-events/security-trail.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { Credential } from './credential.entity.js';
import { toAuthenticatedUser } from './credential.mapper.js';
import { normalizeEmail } from './normalize-email.js';
import { PasswordHasher } from './password-hasher.js';
import { assertAcceptablePassword } from './password-policy.js';

/** How long the mfaToken of a login's password step stays usable for its code step. */
const MFA_TOKEN_TTL_SECONDS = 300;

const emailTaken = () => new ApplicationError(ErrorCodes.AUTH_EMAIL_TAKEN, 'An account with this email already exists');
const invalidCredentials = () => new ApplicationError(ErrorCodes.AUTH_INVALID_CREDENTIALS, 'Email or password is incorrect');

/** Accounts: registration, login, roles. */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: Outbox,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly trail: SecurityTrail,
  ) {}

  /** Credentials, first session and `auth.user.registered` commit together or not at all. */
  async register(request: RegisterRpcRequest): Promise<AuthResult> {
    const email = normalizeEmail(request.email);
    const { displayName } = request;
    assertAcceptablePassword(request.password);
    // Hash before the transaction: argon2 takes tens of milliseconds and must not hold a connection.
    const passwordHash = await this.hasher.hash(request.password);
    let result: AuthResult;
    try {
      result = await this.em.fork().transactional(async (tx) => {
        if (await tx.count(Credential, { email })) throw emailTaken();
        const credential = new Credential(email, passwordHash, displayName, [Roles.USER]);
        tx.persist(credential);
        const tokens = await this.sessions.open(tx, credential, request.client);
        this.outbox.add(tx, userRegistered({ userId: credential.id, email, displayName }));
        return { user: toAuthenticatedUser(credential), tokens };
      });
    } catch (error) {
      // Two registrations racing past the count: the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw emailTaken();
      throw error;
    }
    this.outbox.notifyCommitted();
    return result;
  }

  /** Unknown email and wrong password are indistinguishable, in the reply and in timing. */
  async login(request: LoginRpcRequest): Promise<AuthResult> {
    const { client } = request;
    const credential = await this.em.fork().findOne(Credential, { email: normalizeEmail(request.email) });
    if (!credential) {
      await this.hasher.verifyAgainstDummy(request.password);
      throw invalidCredentials();
    }
    if (!(await this.hasher.verify(credential.passwordHash, request.password))) {
      // An unknown email has no trail to write to; the extra insert here is cheap next to argon2.
      await this.trail.recordAlone({ userId: credential.id, type: 'login-failed', actorId: null, client });
      throw invalidCredentials();
    }
    const outcome = await this.em.fork().transactional(async (tx) => {
      // Re-read under a shared lock: roles changed during the slow verification must be the ones issued.
      const current = await tx.findOneOrFail(Credential, credential.id, { lockMode: LockMode.PESSIMISTIC_READ });
      if (current.disabledAt) throw new ApplicationError(ErrorCodes.AUTH_ACCOUNT_DISABLED, 'This account is disabled');
      if ((await tx.findOne(TotpFactor, { userId: current.id }))?.confirmedAt) {
        return { mfaToken: (await issueAccountToken(tx, current.id, 'mfa-login', MFA_TOKEN_TTL_SECONDS)).secret };
      }
      this.trail.record(tx, { userId: current.id, type: 'login-succeeded', actorId: current.id, client });
      return { user: toAuthenticatedUser(current), tokens: await this.sessions.open(tx, current, client) };
    });
    // Outside the transaction, so the mfaToken it stored commits.
    if ('mfaToken' in outcome) throw new ApplicationError(ErrorCodes.AUTH_MFA_REQUIRED, 'A code from the authenticator app is required', { mfaToken: outcome.mfaToken });
    return outcome;
  }

  /** Admin, not on oneself: a disabled account cannot log in or refresh, and its sessions end at once. Idempotent. */
  async setEnabled(actor: Actor, userId: string, enabled: boolean, client: ClientContext): Promise<void> {
    assertAdmin(actor);
    if (actor.userId === userId) throw new ApplicationError(ErrorCodes.FORBIDDEN, 'Administrators cannot disable or enable themselves');
    const changed = await this.em.fork().transactional(async (tx) => {
      const found = await tx.findOne(Credential, userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!found) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'User not found');
      if ((found.disabledAt === null) === enabled) return false;
      const now = new Date();
      found.disabledAt = enabled ? null : now;
      if (!enabled) await this.sessions.revokeAllWithin(tx, userId, { reason: 'account-disabled', actorId: actor.userId, client });
      this.trail.record(tx, { userId, type: enabled ? 'account-enabled' : 'account-disabled', actorId: actor.userId, client }, now);
      return true;
    });
    if (changed) this.outbox.notifyCommitted();
  }

  /** Admin: replaces a user's roles. Access tokens carry roles, so they apply from the user's next refresh. */
  async setRoles(actor: Actor, userId: string, roles: Role[], client: ClientContext): Promise<AuthenticatedUser> {
    assertAdmin(actor);
    // Keeps an administrator from locking themselves out, or the last admin from vanishing by accident.
    if (actor.userId === userId) throw new ApplicationError(ErrorCodes.FORBIDDEN, 'Administrators cannot change their own roles');
    const wanted = [...new Set(roles)];
    let changed = false;
    const credential = await this.em.fork().transactional(async (tx) => {
      const found = await tx.findOne(Credential, userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!found) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'User not found');
      changed = !sameRoles(found.roles, wanted);
      if (changed) {
        found.roles = wanted;
        found.rolesChangedAt = new Date();
        this.outbox.add(tx, rolesChanged({ userId, roles: wanted }));
        this.trail.record(tx, { userId, type: 'roles-changed', actorId: actor.userId, client });
      }
      return found;
    });
    if (changed) this.outbox.notifyCommitted();
    return toAuthenticatedUser(credential);
  }
}

const sameRoles = (a: readonly Role[], b: readonly Role[]): boolean =>
  a.length === b.length && a.every((role) => b.includes(role));
