import { randomUUID } from 'node:crypto';
import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOrmOptions, dropDatabase, grantRuntimeRole, roleOf, runMigrations } from '../src/index.js';
import { LedgerEntry } from './fixtures/ledger-entry.entity.js';
import { ledgerMigrations } from './fixtures/ledger-migrations.js';

class CreateLedgerTag extends Migration {
  override up(): void {
    this.addSql('create table "ledger_tag" ("id" serial primary key, "name" text not null)');
  }
}
const laterMigrations: MigrationObject[] = [...ledgerMigrations, { name: '20261202000000_create_ledger_tag', class: CreateLedgerTag }];

// An owner role that migrates and a runtime role that only reads and writes rows, on a throwaway database.
describe('per-service database roles: the owner migrates, the runtime role has no DDL', () => {
  const serverUrl = new URL(process.env['TEST_DATABASE_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432');
  const suffix = randomUUID().slice(0, 8);
  const owner = `plinth_privilege_owner_${suffix}`;
  const runtime = `plinth_privilege_app_${suffix}`;
  const database = `plinth_privilege_test_${suffix}`;
  const urlAs = (role: string) => {
    const url = new URL(serverUrl);
    url.username = role;
    url.pathname = `/${database}`;
    return url.toString();
  };
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = '/postgres';
  let admin: MikroORM;
  const open = (role: string, migrations = ledgerMigrations) =>
    MikroORM.init({ ...buildOrmOptions({ serviceName: 'privilege-test', clientUrl: urlAs(role), entities: [LedgerEntry], migrations }), logger: () => undefined });
  let asRuntime: MikroORM;
  const runtimeSql = (sql: string) => asRuntime.em.getConnection().execute(sql);

  beforeAll(async () => {
    admin = await MikroORM.init({ clientUrl: adminUrl.toString(), entities: [], discovery: { warnWhenNoEntities: false }, ensureDatabase: false, logger: () => undefined });
    const sql = admin.em.getConnection();
    await sql.execute(`create role "${owner}" login`);
    await sql.execute(`create role "${runtime}" login`);
    await sql.execute(`create database "${database}" owner "${owner}"`);
    const asOwner = await open(owner);
    try {
      await runMigrations(asOwner);
      await grantRuntimeRole(asOwner, roleOf(urlAs(runtime)));
    } finally {
      await asOwner.close(true);
    }
    asRuntime = await open(runtime);
  }, 60_000);

  afterAll(async () => {
    await asRuntime?.close(true);
    await dropDatabase(urlAs('postgres'));
    const sql = admin?.em.getConnection();
    await sql?.execute(`drop role if exists "${runtime}"`);
    await sql?.execute(`drop role if exists "${owner}"`);
    await admin?.close(true);
  });

  it('lets the runtime role select, insert, update and delete rows', async () => {
    const id = randomUUID();
    await runtimeSql(`insert into ledger_entry (id, label, amount_minor, created_at) values ('${id}', 'a', 1, now())`);
    await runtimeSql(`update ledger_entry set amount_minor = 2 where id = '${id}'`);
    await expect(runtimeSql(`select amount_minor from ledger_entry where id = '${id}'`)).resolves.toEqual([{ amount_minor: 2 }]);
    await runtimeSql(`delete from ledger_entry where id = '${id}'`);
    await expect(runtimeSql('select count(*)::int as n from ledger_entry')).resolves.toEqual([{ n: 0 }]);
  });

  it.each([
    ['create table', 'create table intruder (id int)', /permission denied for schema public/],
    ['drop table', 'drop table ledger_entry', /must be owner of table ledger_entry/],
    ['alter table', 'alter table ledger_entry add column extra int', /must be owner of table ledger_entry/],
    ['truncate', 'truncate ledger_entry', /permission denied for table ledger_entry/],
    ['create index', 'create index intruder_index on ledger_entry (label)', /must be owner of table ledger_entry/],
  ])('refuses the runtime role %s (42501 insufficient privilege)', async (_, sql, message) => {
    const refusal = await runtimeSql(sql).then(() => undefined, (error: unknown) => error as { code?: string; message: string });
    expect(refusal?.message).toMatch(message);
    expect(refusal?.code).toBe('42501');
  });

  it('starts as the runtime role when the owner has migrated (nothing pending), and cannot migrate itself', async () => {
    await expect(runMigrations(asRuntime)).resolves.toEqual([]);
    const pending = await open(runtime, laterMigrations);
    try {
      await expect(runMigrations(pending)).rejects.toThrow(/permission denied for schema public/);
    } finally {
      await pending.close(true);
    }
  });

  it('lets the runtime role use the tables and sequences of a later migration without a new grant', async () => {
    const asOwner = await open(owner, laterMigrations);
    try {
      await expect(runMigrations(asOwner)).resolves.toEqual(['20261202000000_create_ledger_tag']);
    } finally {
      await asOwner.close(true);
    }
    await expect(runtimeSql(`insert into ledger_tag (name) values ('new') returning id`)).resolves.toEqual([{ id: 1 }]);
  });
});
