import type { MikroORM } from '@mikro-orm/core';

/** The role a postgres:// URL logs in as. */
export function roleOf(url: string): string {
  const role = decodeURIComponent(new URL(url).username);
  if (!role) throw new Error('The database URL names no user');
  return role;
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Run by the owner (the `migrate` command) after migrating: the runtime role may read and write the rows of every
 * table in `public` and use its sequences — now and, through the owner's default privileges, in every table a later
 * migration creates — but owns nothing, so CREATE, ALTER, DROP and TRUNCATE stay the owner's (PostgreSQL 15+: PUBLIC
 * has no CREATE on `public`). Idempotent.
 */
export async function grantRuntimeRole(orm: MikroORM, runtimeRole: string): Promise<void> {
  const role = quoteIdentifier(runtimeRole);
  const connection = orm.em.getConnection();
  for (const statement of [
    `grant usage on schema public to ${role}`,
    `grant select, insert, update, delete on all tables in schema public to ${role}`,
    `grant usage, select on all sequences in schema public to ${role}`,
    `alter default privileges in schema public grant select, insert, update, delete on tables to ${role}`,
    `alter default privileges in schema public grant usage, select on sequences to ${role}`,
  ]) {
    await connection.execute(statement);
  }
}
