import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { ApplicationError, ErrorCodes, type ChangePasswordRequest, type ClientContext, type ForgotPasswordRequest, type ResetPasswordRequest } from '@plinth/contracts';
import { Outbox } from '@plinth/messaging';
import { AuthConfig } from '../config.js';
import { Credential } from '../credentials/credential.entity.js';
import { normalizeEmail } from '../credentials/normalize-email.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { assertAcceptablePassword } from '../credentials/password-policy.js';
import { SecurityTrail } from '../security-events/security-trail.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AccountEmails } from './account-emails.js';
import { findUsableAccountToken, invalidateAccountTokens, issueAccountToken, redeemAccountToken } from './account-tokens.js';

const sameAsCurrent = () =>
  new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', {
    fieldErrors: [{ field: 'newPassword', message: 'newPassword must differ from the current password' }],
  });

/** Changing a password (signed in), and recovering a forgotten one by email. */
@Injectable()
export class PasswordsService {
  private readonly logger = new Logger(PasswordsService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly outbox: Outbox,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly trail: SecurityTrail,
    private readonly emails: AccountEmails,
    private readonly config: AuthConfig,
  ) {}

  /** Needs the current password; every other session ends, the one making the change stays. */
  async change(request: ChangePasswordRequest): Promise<void> {
    const credential = await this.em.fork().findOne(Credential, request.actor.userId);
    if (!credential) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'User not found');
    if (!(await this.hasher.verify(credential.passwordHash, request.currentPassword))) {
      throw new ApplicationError(ErrorCodes.AUTH_INVALID_CREDENTIALS, 'The current password is incorrect');
    }
    const passwordHash = await this.newPasswordHash(credential, request.newPassword);
    await this.replacePassword(credential.id, passwordHash, {
      type: 'password-changed',
      client: request.client,
      keepSessionId: request.currentSessionId,
    });
  }

  /**
   * Answers before doing anything, so the reply — body and timing — is the same whether or not the account exists;
   * the lookup, the token and the email happen afterwards. A failure there is logged, never answered.
   */
  forgot(request: ForgotPasswordRequest): void {
    void this.sendReset(normalizeEmail(request.email)).catch((error: unknown) =>
      this.logger.error(`Issuing a password-reset token failed: ${(error as Error).message}`),
    );
  }

  /** Spends the token and sets the password; every session of the account ends. */
  async reset(request: ResetPasswordRequest): Promise<void> {
    // Checked here, then checked again and spent in the transaction that sets the password: argon2 stays outside it.
    const em = this.em.fork();
    const { userId } = await findUsableAccountToken(em, request.token, 'password-reset');
    const credential = await em.findOneOrFail(Credential, userId);
    const passwordHash = await this.newPasswordHash(credential, request.newPassword);
    await this.replacePassword(userId, passwordHash, { type: 'password-reset', client: request.client, token: request.token });
  }

  private async sendReset(email: string): Promise<void> {
    const sent = await this.em.fork().transactional(async (tx) => {
      const credential = await tx.findOne(Credential, { email });
      if (!credential) return false;
      const token = await issueAccountToken(tx, credential.id, 'password-reset', this.config.PASSWORD_RESET_TOKEN_TTL_SECONDS);
      this.emails.request(tx, credential, 'password-reset', token);
      return true;
    });
    if (sent) this.outbox.notifyCommitted();
  }

  /** The registration rules, and not the current password. */
  private async newPasswordHash(credential: Credential, newPassword: string): Promise<string> {
    assertAcceptablePassword(newPassword, 'newPassword');
    if (await this.hasher.verify(credential.passwordHash, newPassword)) throw sameAsCurrent();
    return this.hasher.hash(newPassword);
  }

  private async replacePassword(
    userId: string,
    passwordHash: string,
    change: { type: 'password-changed' | 'password-reset'; client: ClientContext; keepSessionId?: string; token?: string },
  ): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      if (change.token !== undefined) await redeemAccountToken(tx, change.token, 'password-reset');
      const credential = await tx.findOneOrFail(Credential, userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const now = new Date();
      credential.passwordHash = passwordHash;
      await invalidateAccountTokens(tx, userId, now);
      const reason = change.type;
      await this.sessions.revokeAllWithin(tx, userId, { reason, actorId: userId, client: change.client }, change.keepSessionId);
      this.trail.record(tx, { userId, type: change.type, actorId: change.type === 'password-changed' ? userId : null, client: change.client }, now);
      this.emails.request(tx, credential, 'password-changed');
    });
    this.outbox.notifyCommitted();
  }
}
