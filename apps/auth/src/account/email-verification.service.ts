import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ApplicationError, ErrorCodes, type Actor } from '@plinth/contracts';
import { Outbox } from '@plinth/messaging';
import { emailVerified } from '../auth-events.js';
import { AuthConfig } from '../config.js';
import { Credential } from '../credentials/credential.entity.js';
import { AccountEmails } from './account-emails.js';
import { issueAccountToken, redeemAccountToken } from './account-tokens.js';

/** Proving an email address: a token sent to it comes back. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: Outbox,
    private readonly emails: AccountEmails,
    private readonly config: AuthConfig,
  ) {}

  /** (Re)sends the verification email; an address already verified gets none. */
  async send(actor: Actor): Promise<void> {
    const sent = await this.em.fork().transactional(async (tx) => {
      const credential = await tx.findOne(Credential, actor.userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!credential) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'User not found');
      if (credential.emailVerifiedAt) return false;
      const token = await issueAccountToken(tx, credential.id, 'email-verification', this.config.EMAIL_VERIFICATION_TOKEN_TTL_SECONDS);
      this.emails.request(tx, credential, 'email-verification', token);
      return true;
    });
    if (sent) this.outbox.notifyCommitted();
  }

  /** Spends the token and marks the address verified; users hears it through `auth.email.verified`. */
  async verify(secret: string): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      const token = await redeemAccountToken(tx, secret, 'email-verification');
      const credential = await tx.findOneOrFail(Credential, token.userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      credential.emailVerifiedAt ??= new Date();
      this.outbox.add(tx, emailVerified({ userId: credential.id, email: credential.email }));
    });
    this.outbox.notifyCommitted();
  }
}
