import type { EntityManager } from '@mikro-orm/core';

/** Rows of one table that may go: a condition on that table alone, with `?` placeholders. */
export interface RetentionRule {
  /** The table (unquoted); also the `table` label of the pruned-rows metric. */
  table: string;
  /** SQL condition that selects expired rows, e.g. `"processed_at" < now() - make_interval(secs => ?)`. */
  expired: string;
  /** The condition's parameters, read at every run (cutoffs move with time). */
  params: () => unknown[];
}

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Deletes a rule's expired rows in batches of `batchSize`, each batch its own short statement: the rows of a batch
 * are picked by physical address (`ctid`, a TID scan) and `for update skip locked`, so a batch never waits on rows a
 * transaction holds, two replicas pruning at once share the work instead of queueing, and no lock outlives one batch.
 * Returns how many rows went.
 */
export async function pruneInBatches(em: EntityManager, rule: RetentionRule, batchSize: number): Promise<number> {
  if (!TABLE_NAME.test(rule.table)) throw new Error(`Not a plain table name: ${rule.table}`);
  const sql = `delete from "${rule.table}" where ctid = any(array(
    select ctid from "${rule.table}" where ${rule.expired} limit ? for update skip locked))`;
  const connection = em.getConnection();
  let total = 0;
  for (;;) {
    const result = await connection.execute<{ affectedRows: number }>(sql, [...rule.params(), batchSize], 'run');
    total += result.affectedRows;
    if (result.affectedRows < batchSize) return total;
    // Let the service's own queries in between two batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
