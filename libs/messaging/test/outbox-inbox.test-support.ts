// Local stand-ins for @plinth/testing (a type:util lib that messaging may not depend on), plus a cuttable TCP proxy.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import { MikroORM } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '@plinth/contracts';
import { Migrator } from '@mikro-orm/migrations';
import { messagingEntities, messagingMigrations } from '../src/outbox/index.js';

const run = promisify(execFile);
const PG_SERVER = 'postgres://postgres@127.0.0.1:5432';
const AMQP_SERVER = { host: '127.0.0.1', port: 5672 };

const uniqueName = (label: string): string => `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_test_${randomBytes(4).toString('hex')}`;

async function onAdminDatabase(sql: string): Promise<void> {
  const orm = await MikroORM.init({ clientUrl: `${PG_SERVER}/postgres`, entities: [], discovery: { warnWhenNoEntities: false } });
  try {
    await orm.em.getConnection().execute(sql);
  } finally {
    await orm.close(true);
  }
}

export async function createTestDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = uniqueName(label);
  await onAdminDatabase(`create database "${name}"`);
  return {
    url: `${PG_SERVER}/${name}`,
    name,
    drop: () => onAdminDatabase(`drop database if exists "${name}" with (force)`),
  };
}

export async function createTestVhost(label: string): Promise<{ url: string; vhost: string; drop(): Promise<void> }> {
  const vhost = uniqueName(label);
  await run('rabbitmqctl', ['-q', 'add_vhost', vhost]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  return {
    url: `amqp://guest:guest@${AMQP_SERVER.host}:${AMQP_SERVER.port}/${vhost}`,
    vhost,
    drop: async () => void (await run('rabbitmqctl', ['-q', 'delete_vhost', vhost])),
  };
}

/** An ORM on the test database with the messaging tables migrated, as a service would have it. */
export async function initMigratedOrm(clientUrl: string): Promise<MikroORM> {
  const orm = await MikroORM.init({
    clientUrl,
    entities: messagingEntities,
    extensions: [Migrator],
    migrations: { migrationsList: messagingMigrations, snapshot: false },
    pool: { min: 0, max: 6 },
  });
  await orm.migrator.up();
  return orm;
}

/**
 * A TCP proxy in front of the shared broker that a test can cut and restore, so "broker unreachable" never
 * touches the broker other people are testing against.
 */
export class CuttableBrokerProxy {
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private port = 0;

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(AMQP_SERVER);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  urlFor(vhost: string): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}/${vhost}`;
  }

  /** Drops every open connection and refuses new ones (the port stays reserved for restore()). */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.start();
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}

/** An envelope as createEvent() builds it (uuid v7 id, so ids increase with creation). */
export function testEvent(type = 'orders.order.created', data: object = {}): EventEnvelope {
  const id = uuidv7();
  return { id, type, version: 1, occurredAt: new Date().toISOString(), source: 'test', correlationId: id, data };
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
