import { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { pruneInBatches, type RetentionRule } from './prune-in-batches.js';

export interface TablePrunerOptions {
  /** Time between two pruning runs (the first one comes one interval after start). */
  intervalMs: number;
  /** Rows deleted per statement. */
  batchSize: number;
}

export const TABLE_PRUNER_OPTIONS = Symbol('TABLE_PRUNER_OPTIONS');

/**
 * Keeps a service's bookkeeping tables bounded: every registered rule is applied every `intervalMs`, in batches
 * (pruneInBatches). Replicas may prune at the same time; each row is deleted by one of them.
 */
@Injectable()
export class TablePruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TablePruner.name);
  private readonly rules: RetentionRule[] = [];
  private readonly listeners: ((table: string, rows: number) => void)[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly orm: MikroORM,
    @Inject(TABLE_PRUNER_OPTIONS) private readonly options: TablePrunerOptions,
  ) {}

  /** Adds a table to prune (modules call it while initializing). */
  register(rule: RetentionRule): void {
    this.rules.push(rule);
  }

  /** Called with every batch-run's count per table (the metric of rows pruned). */
  onPruned(listener: (table: string, rows: number) => void): void {
    this.listeners.push(listener);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.pruneAll().finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run over every rule; a failing table is logged and does not stop the others. Returns rows deleted per table. */
  async pruneAll(): Promise<Record<string, number>> {
    const pruned: Record<string, number> = {};
    for (const rule of this.rules) {
      try {
        pruned[rule.table] = await pruneInBatches(this.orm.em.fork(), rule, this.options.batchSize);
      } catch (error) {
        this.logger.warn(`Pruning ${rule.table} failed, next try in ${this.options.intervalMs} ms: ${(error as Error).message}`);
        continue;
      }
      for (const listener of this.listeners) listener(rule.table, pruned[rule.table]);
    }
    return pruned;
  }
}
