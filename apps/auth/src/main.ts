import { bootstrapService } from '@plinth/service-bootstrap';
import { AuthAppModule } from './auth-app.module.js';
import { authEntities } from './auth-entities.js';
import { AuthConfig } from './config.js';
import { authMigrations } from './migrations/auth-migrations.js';
import { RecentRevocationsQuery } from './sessions/recent-revocations.js';
import { RecentRevocationsModule } from './sessions/recent-revocations.module.js';
import { SigningKeyRing } from './signing-keys/signing-key-ring.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';

await bootstrapService({
  name: 'auth',
  module: AuthAppModule,
  config: AuthConfig,
  database: { entities: authEntities, migrations: authMigrations },
  // Auth verifies callers' tokens against the keys it publishes itself, not over RPC to itself.
  accessTokenKeys: { imports: [SigningKeysModule], inject: [SigningKeyRing], useFactory: (keyRing: SigningKeyRing) => () => keyRing.jwks() },
  // …and catches up on revocations from its own database.
  recentRevocations: {
    imports: [RecentRevocationsModule],
    inject: [RecentRevocationsQuery],
    useFactory: (query: RecentRevocationsQuery) => (withinSeconds: number) => query.within(withinSeconds),
  },
});
