export interface GroupCommitOptions<TItem, TResult> {
  /** Writes several items with one statement/transaction; resolves with one result per item, in order. */
  writeBatch(items: TItem[]): Promise<TResult[]>;
  /** Writes one item on its own: a lone item, and every item of a batch that failed (failure isolation). */
  writeOne(item: TItem): Promise<TResult>;
  /** Upper bound of items per batch. */
  maxBatch: number;
  /** Items with equal keys never share a batch (a later one waits for the next batch). */
  keyOf?: (item: TItem) => string;
}

interface Waiting<TItem, TResult> {
  item: TItem;
  resolve(result: TResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit: callers submit one item each; whatever is waiting when the writer is free goes to the database
 * together, one batch at a time. Under load that is one round trip (and one commit) for many items instead of one
 * each, while a lone item on an idle writer is written at once (after the current I/O callbacks, so deliveries
 * read from one socket chunk form one batch). Each caller's promise settles only after its item's batch committed.
 * A batch that fails is retried item by item, so one bad item fails alone and its neighbours still commit.
 */
export class GroupCommit<TItem, TResult> {
  private waiting: Waiting<TItem, TResult>[] = [];
  private draining = false;

  constructor(private readonly options: GroupCommitOptions<TItem, TResult>) {}

  submit(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.write(this.takeBatch());
    } finally {
      this.draining = false;
    }
  }

  private takeBatch(): Waiting<TItem, TResult>[] {
    const { keyOf, maxBatch } = this.options;
    if (keyOf === undefined) return this.waiting.splice(0, maxBatch);
    const batch: Waiting<TItem, TResult>[] = [];
    const later: Waiting<TItem, TResult>[] = [];
    const keys = new Set<string>();
    for (const entry of this.waiting) {
      const key = keyOf(entry.item);
      if (batch.length >= maxBatch || keys.has(key)) later.push(entry);
      else {
        keys.add(key);
        batch.push(entry);
      }
    }
    this.waiting = later;
    return batch;
  }

  private async write(batch: Waiting<TItem, TResult>[]): Promise<void> {
    if (batch.length > 1) {
      let results: TResult[] | undefined;
      try {
        results = await this.options.writeBatch(batch.map((entry) => entry.item));
      } catch {
        // Nothing of the batch committed: each item on its own, so the failure stays with the item that causes it.
      }
      if (results !== undefined) {
        batch.forEach((entry, i) => entry.resolve(results[i] as TResult));
        return;
      }
    }
    await Promise.all(batch.map((entry) => this.options.writeOne(entry.item).then(entry.resolve, entry.reject)));
  }
}
