// Real PostgreSQL errors, as MikroORM throws them to a handler, classified the way an RPC reply carries them:
// a refused value is the client's 400, a constraint its 409, an unreachable database a 503 — never the reverse.
import { createServer } from 'node:net';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toErrorBody } from '../src/rpc/rpc-error-body.js';
import { createTestDatabase } from './outbox-inbox.test-support.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: MikroORM;

const failureOf = async (sql: string, params: unknown[] = []): Promise<unknown> => {
  try {
    await orm.em.getConnection().execute(sql, params);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${sql} to fail`);
};

const unusedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  database = await createTestDatabase('driver_errors');
  orm = await MikroORM.init({ clientUrl: database.url, entities: [], discovery: { warnWhenNoEntities: false } });
  await orm.em.getConnection().execute('create table item (id uuid primary key, name text not null, made timestamptz(3), amount integer check (amount >= 0))');
  await orm.em.getConnection().execute("insert into item (id, name) values ('0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8d', 'first')");
}, 60_000);

afterAll(async () => {
  await orm?.close(true);
  await database?.drop();
});

describe('database errors become the reply the request deserves', () => {
  it.each([
    ['NUL in a text parameter', 'select * from item where name = ?', ['ab\u0000cd']],
    ['a year-0000 timestamp', 'select * from item where made < ?', ['0000-01-01T00:00:00.000Z']],
    ['a malformed UUID', 'select * from item where id = ?', ['not-a-uuid']],
    ['an integer overflow', 'insert into item (id, name, amount) values (gen_random_uuid(), ?, ?)', ['x', 2 ** 40]],
  ])('%s → COMMON.VALIDATION_FAILED, without the driver text', async (_case, sql, params) => {
    const { body, expected } = toErrorBody(await failureOf(sql, params));
    expect(body).toEqual({ code: 'COMMON.VALIDATION_FAILED', message: 'The request holds a value that cannot be stored' });
    expect(expected).toBe(false);
  });

  it.each([
    ['a duplicate key', "insert into item (id, name) values ('0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8d', 'again')"],
    ['a not-null column left empty', 'insert into item (id) values (gen_random_uuid())'],
    ['a check constraint', "insert into item (id, name, amount) values (gen_random_uuid(), 'x', -1)"],
  ])('%s → COMMON.CONFLICT', async (_case, sql) => {
    expect(toErrorBody(await failureOf(sql)).body).toEqual({ code: 'COMMON.CONFLICT', message: 'The request conflicts with the current state of the data' });
  });

  it('an SQL mistake of ours stays COMMON.INTERNAL', async () => {
    expect(toErrorBody(await failureOf('select nope from item')).body.code).toBe('COMMON.INTERNAL');
  });

  it('an unreachable database → COMMON.UNAVAILABLE', async () => {
    const down = await MikroORM.init({
      clientUrl: `postgres://postgres@127.0.0.1:${await unusedPort()}/nowhere`, entities: [], discovery: { warnWhenNoEntities: false },
    });
    try {
      const error = await down.em.getConnection().execute('select 1').then(() => undefined, (failure: unknown) => failure);
      expect(toErrorBody(error).body.code).toBe('COMMON.UNAVAILABLE');
    } finally {
      await down.close(true);
    }
  });
});
