import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A hot statement as a named PostgreSQL prepared statement: each pooled connection parses and plans it once and
 * then only binds `$1…` values, where MikroORM's `execute` inlines every value into a new SQL text (escaping it
 * in JavaScript) that the server parses and plans again on every call. Runs on its own pooled connection in
 * autocommit, so it is for self-contained statements (one statement = one transaction), never inside
 * `em.transactional`. Errors are MikroORM's (UniqueConstraintViolationException…), as with `execute`.
 * Values go to `pg` as they are: pass jsonb values JSON.stringify'd (pg would turn a JS array into a SQL array).
 */
export class PreparedStatement<TRow extends object = Record<string, unknown>> {
  constructor(
    /** Unique per SQL text within the process: pg caches the plan per connection under this name. */
    readonly name: string,
    readonly text: string,
  ) {}

  async execute(em: EntityManager, values: unknown[]): Promise<TRow[]> {
    const connection = em.getConnection();
    const pool = await connection.getNativeClient();
    try {
      const result = await pool.query<TRow>({ name: this.name, text: this.text, values });
      return result.rows;
    } catch (error) {
      throw em.getPlatform().getExceptionConverter().convertException(error as Error);
    }
  }
}
