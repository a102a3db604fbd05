import { MikroORM } from '@mikro-orm/postgresql';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AuthEvents, AuthRpc, type AuthResult } from '@plinth/contracts';
import { AmqpConnection, MessagingModule, RpcClient } from '@plinth/messaging';
import { buildOrmOptions } from '@plinth/persistence';
import { actingForActors, signingKeyFromPrivateJwk, startSystem, type ActingRpc, type RunningSystem, type TestSigningKey } from '@plinth/testing';
import { authEntities } from '../../src/auth-entities.js';
import { authMigrations } from '../../src/migrations/auth-migrations.js';
import { EventTap } from './event-tap.js';

export const ADMIN_EMAIL = 'root@plinth.test';
export const ADMIN_PASSWORD = 'admin password of the test system';
export const PASSWORD = 'correct horse battery staple';
/** Where the gateway would say a request came from: every RPC that opens or ends a session records it. */
export const CLIENT = { address: '198.51.100.7', userAgent: 'auth-integration-spec' } as const;
/** The key auth seals one-time tokens with for notifications (a fixed test value, base64 of 32 bytes). */
export const ACCOUNT_EMAIL_SEALING_KEY = Buffer.alloc(32, 7).toString('base64');

/**
 * The BUILT auth app as its own process (real Postgres, real broker, own vhost), with what a test
 * needs around it: an RPC client that sends like the gateway (each request with an access token of its
 * actor, signed with auth's own key read from its database), a tap on every auth event, and the ORM
 * on auth's database.
 */
export class AuthTestSystem {
  private sequence = 0;

  private constructor(
    readonly system: RunningSystem,
    private readonly client: INestApplicationContext,
    readonly rpc: ActingRpc,
    readonly events: EventTap,
    readonly orm: MikroORM,
  ) {}

  static async start(): Promise<AuthTestSystem> {
    const system = await startSystem({ services: ['auth'], serviceEnv: { auth: { ADMIN_EMAIL, ADMIN_PASSWORD, ACCOUNT_EMAIL_SEALING_KEY } } });
    const rabbitmqUrl = brokerUrlOf(system);
    try {
      const client = await NestFactory.createApplicationContext(
        // As the gateway: a service answers only its callers' reply queues (RpcCalls).
        MessagingModule.forRoot({ serviceName: 'gateway', url: rabbitmqUrl }),
        { logger: false },
      );
      await client.init();
      await waitUntil(() => client.get(AmqpConnection).isConnected());
      const events = await EventTap.open(rabbitmqUrl, Object.values(AuthEvents));
      const orm = await MikroORM.init(
        buildOrmOptions({ serviceName: 'auth-test', clientUrl: system.databaseUrlOf('auth'), entities: authEntities, migrations: authMigrations }),
      );
      return new AuthTestSystem(system, client, actingForActors(client.get(RpcClient), await authSigningKey(orm)), events, orm);
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  get rabbitmqUrl(): string {
    return brokerUrlOf(this.system);
  }

  /** A fresh email per call, so tests never depend on each other's accounts. */
  uniqueEmail(label: string): string {
    return `${label}-${++this.sequence}-${Date.now()}@example.test`;
  }

  register(label: string): Promise<AuthResult> {
    return this.rpc.send<AuthResult>(AuthRpc.register, { email: this.uniqueEmail(label), password: PASSWORD, displayName: label, client: CLIENT });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.events?.close(), this.client?.close(), this.orm?.close(true)]);
    await this.system.stop();
  }
}

/** Auth started with its keys created; any published key verifies, so the newest one will do. */
async function authSigningKey(orm: MikroORM): Promise<TestSigningKey> {
  const [row] = await orm.em.getConnection().execute<{ private_key: string }[]>('select private_key from signing_keys order by created_at desc limit 1');
  if (!row) throw new Error('auth has no signing key');
  // The test system sets no SIGNING_KEY_ENCRYPTION_KEY: keys are stored as plain JWK JSON.
  return signingKeyFromPrivateJwk(JSON.parse(row.private_key) as Parameters<typeof signingKeyFromPrivateJwk>[0]);
}

function brokerUrlOf(system: RunningSystem): string {
  const url = system.env['RABBITMQ_URL'];
  if (!url) throw new Error('the test system has no RABBITMQ_URL');
  return url;
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
