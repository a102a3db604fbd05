import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { AccountEmailKind } from '@plinth/contracts';
import { Outbox, SealedField, sealingKeyOf } from '@plinth/messaging';
import { accountEmailRequested } from '../auth-events.js';
import { AuthConfig } from '../config.js';
import type { Credential } from '../credentials/credential.entity.js';
import type { IssuedAccountToken } from './account-tokens.js';

/**
 * Asks notifications (through the outbox, in the caller's transaction) to email an account. A token is sealed
 * with ACCOUNT_EMAIL_SEALING_KEY first: the raw token exists only in this process, in the email and in the user's hands.
 */
@Injectable()
export class AccountEmails implements OnModuleInit {
  private readonly logger = new Logger(AccountEmails.name);
  private readonly sealed: SealedField;

  constructor(
    private readonly outbox: Outbox,
    config: AuthConfig,
  ) {
    this.sealed = new SealedField(sealingKeyOf(config.ACCOUNT_EMAIL_SEALING_KEY));
  }

  onModuleInit(): void {
    if (!this.sealed.sealing) this.logger.warn('ACCOUNT_EMAIL_SEALING_KEY is not set: one-time tokens travel to notifications unsealed (development only)');
  }

  request(tx: EntityManager, credential: Credential, kind: AccountEmailKind, token?: IssuedAccountToken): void {
    this.outbox.add(tx, accountEmailRequested({
      userId: credential.id,
      email: credential.email,
      kind,
      token: token ? this.sealed.seal(token.secret) : null,
      expiresAt: token ? token.expiresAt.toISOString() : null,
    }));
  }
}
