import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Roles, type Role } from '@plinth/contracts';
import { Outbox } from '@plinth/messaging';
import { rolesChanged, userRegistered } from '../auth-events.js';
import { AuthConfig } from '../config.js';
import { Credential } from '../credentials/credential.entity.js';
import { normalizeEmail } from '../credentials/normalize-email.js';
import { PasswordHasher } from '../credentials/password-hasher.js';

const ADMIN_ROLES: Role[] = [Roles.USER, Roles.ADMIN];
const ADMIN_DISPLAY_NAME = 'Administrator';
// Replicas starting together must not both create the account (and both emit user.registered).
const ADMIN_SEED_LOCK = 7_340_102;

/**
 * Ensures the ADMIN_EMAIL account exists with the admin role. Idempotent across restarts and
 * replicas: `auth.user.registered` is emitted only when the account is created, so users builds the
 * profile once. The password is set at creation only; later changes go through the normal flows.
 */
@Injectable()
export class AdminSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeedService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly outbox: Outbox,
    private readonly hasher: PasswordHasher,
    private readonly config: AuthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = this.config;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return;
    const outcome = await this.ensureAdmin(normalizeEmail(ADMIN_EMAIL), ADMIN_PASSWORD);
    this.logger.log({ email: normalizeEmail(ADMIN_EMAIL), outcome }, 'admin account ensured');
  }

  async ensureAdmin(email: string, password: string): Promise<'created' | 'promoted' | 'unchanged'> {
    const passwordHash = await this.hasher.hash(password);
    const outcome = await this.em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?)', [ADMIN_SEED_LOCK]);
      const existing = await tx.findOne(Credential, { email });
      if (!existing) {
        const created = new Credential(email, passwordHash, ADMIN_DISPLAY_NAME, [...ADMIN_ROLES]);
        tx.persist(created);
        this.outbox.add(tx, userRegistered({ userId: created.id, email, displayName: ADMIN_DISPLAY_NAME }));
        return 'created';
      }
      const missing = ADMIN_ROLES.filter((role) => !existing.roles.includes(role));
      if (missing.length === 0) return 'unchanged';
      existing.roles = [...existing.roles, ...missing];
      existing.rolesChangedAt = new Date();
      this.outbox.add(tx, rolesChanged({ userId: existing.id, roles: existing.roles }));
      return 'promoted';
    });
    if (outcome !== 'unchanged') this.outbox.notifyCommitted();
    return outcome;
  }
}
