import { randomUUID } from 'node:crypto';
import { EntityManager, RequestContext, UniqueConstraintViolationException } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { CreateRequestContext } from '@mikro-orm/decorators/legacy';
import { Injectable, type CallHandler, type ExecutionContext, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { firstValueFrom, of, defer } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DatabaseHealthIndicator,
  EntityManagerContextInterceptor,
  PersistenceModule,
  buildOrmOptions,
  dropDatabase,
  ensureDatabaseExists,
  insertInOneStatement,
  runMigrations,
} from '../src/index.js';
import { LedgerEntry } from './fixtures/ledger-entry.entity.js';
import { ledgerMigrations } from './fixtures/ledger-migrations.js';

const serverUrl = process.env['TEST_DATABASE_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const databaseUrl = `${serverUrl}/plinth_persistence_test_${randomUUID().slice(0, 8)}`;
const persistence = { serviceName: 'persistence-test', clientUrl: databaseUrl, entities: [LedgerEntry], migrations: ledgerMigrations };

const rpcContext = { getType: () => 'rpc' } as ExecutionContext;
const handlerReturning = (work: () => Promise<unknown>): CallHandler => ({ handle: () => defer(work) });

@Injectable()
class LedgerService {
  constructor(readonly em: EntityManager) {}

  // MikroORM finds `this.em` and runs the method in a fresh fork of it.
  @CreateRequestContext()
  async record(label: string): Promise<EntityManager | undefined> {
    this.em.create(LedgerEntry, { id: randomUUID(), label, amountMinor: 1 });
    await this.em.flush();
    return RequestContext.getEntityManager();
  }
}

describe('PersistenceModule on a real database', () => {
  let app: INestApplicationContext;
  let orm: MikroORM;

  beforeAll(async () => {
    await ensureDatabaseExists(databaseUrl);
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot(persistence)],
      providers: [LedgerService],
    }).compile();
    app = await moduleRef.init();
    orm = app.get(MikroORM);
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(databaseUrl);
  });

  it('applies the explicit migrations list once and reports nothing pending afterwards', async () => {
    expect(await runMigrations(orm)).toEqual(['20261124000000_create_ledger_entry']);
    expect(await runMigrations(orm)).toEqual([]);
    const tables = await orm.em.getConnection().execute<{ table_name: string }[]>(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual(['ledger_entry', 'mikro_orm_migrations']);
  });

  it('maps decorated entities with explicit types (uuid, int, json, timestamptz) without reflection', async () => {
    const createdAt = new Date('2026-01-02T03:04:05.678Z');
    const id = randomUUID();
    const writer = orm.em.fork();
    writer.create(LedgerEntry, { id, label: 'coffee', amountMinor: 450, metadata: { tags: ['x'] }, createdAt });
    await writer.flush();

    const stored = await orm.em.fork().findOneOrFail(LedgerEntry, id);
    expect(stored).toMatchObject({ label: 'coffee', amountMinor: 450, metadata: { tags: ['x'] }, version: 1 });
    expect(stored.createdAt).toBeInstanceOf(Date);
    expect(stored.createdAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
  });

  describe('insertInOneStatement', () => {
    const entry = (label: string, metadata: Record<string, unknown> | null = null) =>
      Object.assign(new LedgerEntry(), { id: randomUUID(), label, amountMinor: 7, metadata });

    it('writes every row with one statement, converting types as a flush would', async () => {
      const rows = [entry("it's", { quote: 'a"b', nested: [1, { x: null }] }), entry('second'), entry('third')];
      const em = orm.em.fork();
      const execute = vi.spyOn(em.getConnection(), 'execute');
      await insertInOneStatement(em, rows);
      expect(execute).toHaveBeenCalledTimes(1);
      execute.mockRestore();

      const stored = await orm.em.fork().find(LedgerEntry, { id: rows.map((row) => row.id) }, { orderBy: { label: 'asc' } });
      expect(stored.map(({ label, metadata, version }) => ({ label, metadata, version }))).toEqual([
        { label: "it's", metadata: { quote: 'a"b', nested: [1, { x: null }] }, version: 1 },
        { label: 'second', metadata: null, version: 1 },
        { label: 'third', metadata: null, version: 1 },
      ]);
      expect(stored[0].createdAt.toISOString()).toBe(rows[0].createdAt.toISOString());
    });

    it('is all or nothing: a conflicting row leaves the others unwritten and raises MikroORM\'s error', async () => {
      const existing = entry('existing');
      await insertInOneStatement(orm.em.fork(), [existing]);
      const fresh = entry('fresh');
      await expect(insertInOneStatement(orm.em.fork(), [fresh, Object.assign(entry('dup'), { id: existing.id })])).rejects.toBeInstanceOf(
        UniqueConstraintViolationException,
      );
      expect(await orm.em.fork().count(LedgerEntry, { id: fresh.id })).toBe(0);
    });

    it('runs inside the caller\'s transaction and rolls back with it', async () => {
      const row = entry('rolled back');
      await expect(
        orm.em.fork().transactional(async (tx) => {
          await insertInOneStatement(tx, [row]);
          expect(await tx.count(LedgerEntry, { id: row.id })).toBe(1);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await orm.em.fork().count(LedgerEntry, { id: row.id })).toBe(0);
    });
  });

  it('refuses to use the global EntityManager outside a request context', async () => {
    await expect(app.get(EntityManager).find(LedgerEntry, {})).rejects.toThrow(/global EntityManager/i);
  });

  it('gives every message handled through the interceptor its own EntityManager fork', async () => {
    const interceptor = new EntityManagerContextInterceptor(orm);
    const globalEm = app.get(EntityManager);
    const seen: (EntityManager | undefined)[] = [];
    const handle = () =>
      firstValueFrom(
        interceptor.intercept(
          rpcContext,
          handlerReturning(async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            seen.push(RequestContext.getEntityManager());
            return globalEm.count(LedgerEntry, {});
          }),
        ) as ReturnType<CallHandler['handle']>,
      );

    const counts = await Promise.all([handle(), handle()]);

    expect(counts.every((count) => typeof count === 'number')).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBeInstanceOf(EntityManager);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0]).not.toBe(orm.em);
  });

  it('leaves HTTP handlers to the MikroORM request middleware', async () => {
    const interceptor = new EntityManagerContextInterceptor(orm);
    const httpContext = { getType: () => 'http' } as ExecutionContext;
    const result = await firstValueFrom(interceptor.intercept(httpContext, { handle: () => of(RequestContext.getEntityManager()) }));
    expect(result).toBeUndefined();
  });

  it('runs @CreateRequestContext methods in a fresh fork of the injected EntityManager', async () => {
    const service = app.get(LedgerService);
    const first = await service.record('a');
    const second = await service.record('b');
    expect(first).toBeInstanceOf(EntityManager);
    expect(first).not.toBe(second);
    expect(first).not.toBe(orm.em);
  });

  it('reports the database up while it answers', async () => {
    const result = await app.get(DatabaseHealthIndicator).isHealthy();
    expect(result.database.status).toBe('up');
  });
});

describe('runMigrations with several replicas starting at once', () => {
  const url = `${serverUrl}/plinth_persistence_test_${randomUUID().slice(0, 8)}`;
  afterAll(() => dropDatabase(url));

  it('applies each migration exactly once', async () => {
    await ensureDatabaseExists(url);
    const replicas = await Promise.all(
      [1, 2, 3].map(() => MikroORM.init(buildOrmOptions({ ...persistence, clientUrl: url }))),
    );
    try {
      const applied = await Promise.all(replicas.map((replica) => runMigrations(replica)));
      expect(applied.flat()).toEqual(['20261124000000_create_ledger_entry']);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });
});

describe('ensureDatabaseExists', () => {
  const url = `${serverUrl}/plinth_persistence_test_${randomUUID().slice(0, 8)}`;
  afterAll(() => dropDatabase(url));

  it('creates a missing database once even when called concurrently', async () => {
    await Promise.all([ensureDatabaseExists(url), ensureDatabaseExists(url), ensureDatabaseExists(url)]);
    const orm = await MikroORM.init(buildOrmOptions({ ...persistence, clientUrl: url, entities: [] }));
    try {
      const rows = await orm.em.getConnection().execute<{ name: string }[]>('select current_database() as name');
      expect(rows[0]?.name).toBe(new URL(url).pathname.slice(1));
    } finally {
      await orm.close();
    }
  });
});

describe('a service whose database does not exist', () => {
  const missing = `${serverUrl}/plinth_persistence_test_missing_${randomUUID().slice(0, 8)}`;

  it('fails runMigrations naming the database instead of creating it', async () => {
    const orm = await MikroORM.init(buildOrmOptions({ ...persistence, clientUrl: missing }));
    try {
      await expect(runMigrations(orm)).rejects.toThrow(/database "plinth_persistence_test_missing_\w+" does not exist/);
    } finally {
      await orm.close();
    }
  });

  it('is reported down by DatabaseHealthIndicator with the reason', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ ...persistence, clientUrl: missing })],
    }).compile();
    const app = await moduleRef.init();
    try {
      const result = await app.get(DatabaseHealthIndicator).isHealthy();
      expect(result.database.status).toBe('down');
      expect(String(result.database['message'])).toMatch(/does not exist/);
    } finally {
      await app.close();
    }
  });
});
