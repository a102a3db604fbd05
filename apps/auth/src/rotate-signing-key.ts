/**
 * `node apps/auth/dist/rotate-signing-key.js`: forces a signing-key rotation now (e.g. a suspected
 * leak, or a rehearsal), with the same configuration (DATABASE_URL, SIGNING_KEY_*) as the service.
 * Running replicas adopt the successor on their next key reload; the old key keeps verifying until
 * the tokens it signed have expired. Prints the new kid.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { messagingEntities, messagingMigrations } from '@plinth/messaging';
import { buildOrmOptions } from '@plinth/persistence';
import { authEntities } from './auth-entities.js';
import { loadAuthConfig } from './config.js';
import { authMigrations } from './migrations/auth-migrations.js';
import { SigningKeyRing } from './signing-keys/signing-key-ring.js';

const config = loadAuthConfig();
const orm = await MikroORM.init(
  buildOrmOptions({
    serviceName: 'auth-rotate-signing-key',
    clientUrl: config.DATABASE_URL,
    entities: [...authEntities, ...messagingEntities],
    migrations: [...authMigrations, ...messagingMigrations],
    poolMax: 1,
  }),
);
try {
  const kid = await new SigningKeyRing(orm.em, config).forceRotation();
  process.stdout.write(`new signing key ${kid}: published now, signing in ${config.SIGNING_KEY_PREPUBLISH_SECONDS} s\n`);
} finally {
  await orm.close();
}
