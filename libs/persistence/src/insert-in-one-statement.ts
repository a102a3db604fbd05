import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Inserts new entities with ONE statement (data-modifying CTEs): atomic on its own, so a create that writes
 * several rows — say an order, its idempotency key and its outbox event — costs one database round trip,
 * where a flush costs BEGIN, one INSERT per table and COMMIT. Foreign keys between the rows hold, as
 * PostgreSQL checks them at the end of the statement.
 *
 * Columns, type conversion and bound parameters come from MikroORM's query builder, exactly as a flush
 * would write them; errors are MikroORM's (UniqueConstraintViolationException…). The entities are not
 * managed by `em` afterwards. Inside `em.transactional` it runs in that transaction.
 */
export async function insertInOneStatement(em: EntityManager, entities: readonly object[]): Promise<void> {
  if (entities.length === 0) return;
  const inserts = entities.map((entity) => {
    // A plain copy: given an entity instance, the builder converts JSON columns twice.
    const builder = em.createQueryBuilder(entity.constructor as EntityClass<object>).insert({ ...entity });
    return { sql: builder.getQuery(), params: builder.getParams() };
  });
  const last = inserts.length - 1;
  const sql =
    last === 0
      ? inserts[0].sql
      : `with ${inserts.slice(0, last).map((insert, i) => `"insert_${i}" as (${insert.sql})`).join(', ')} ${inserts[last].sql}`;
  await em.execute(sql, inserts.flatMap((insert) => insert.params), 'run');
}
