import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

function recorder(options: { failBatches?: boolean; failItem?: number; delayMs?: number } = {}) {
  const batches: number[][] = [];
  const singles: number[] = [];
  const commit = new GroupCommit<number, string>({
    maxBatch: 3,
    keyOf: (item) => String(item % 100),
    writeBatch: async (items) => {
      batches.push(items);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 5));
      if (options.failBatches || items.includes(options.failItem ?? -1)) throw new Error('batch failed');
      return items.map((item) => `b${item}`);
    },
    writeOne: async (item) => {
      singles.push(item);
      if (item === options.failItem) throw new Error(`item ${item} is poison`);
      return `s${item}`;
    },
  });
  return { commit, batches, singles };
}

describe('GroupCommit', () => {
  it('writes a lone item on its own at once', async () => {
    const { commit, batches, singles } = recorder();
    await expect(commit.submit(1)).resolves.toBe('s1');
    expect(batches).toEqual([]);
    expect(singles).toEqual([1]);
  });

  it('writes what arrives together as one batch, and what arrives meanwhile as the next, at most maxBatch each', async () => {
    const { commit, batches } = recorder();
    const first = [1, 2].map((item) => commit.submit(item));
    await new Promise((resolve) => setImmediate(resolve));
    // the first batch is being written: these wait and go together
    const next = [3, 4, 5, 6, 7].map((item) => commit.submit(item));
    await expect(Promise.all([...first, ...next])).resolves.toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
    expect(batches).toEqual([[1, 2], [3, 4, 5], [6, 7]]);
  });

  it('never puts two items with the same key in one batch', async () => {
    const { commit, batches, singles } = recorder();
    await Promise.all([1, 101, 2].map((item) => commit.submit(item)));
    expect(batches).toEqual([[1, 2]]);
    expect(singles).toEqual([101]);
  });

  it('retries a failed batch item by item: a poison item fails alone, its neighbours commit', async () => {
    const { commit, batches, singles } = recorder({ failItem: 2 });
    const results = await Promise.allSettled([1, 2, 3].map((item) => commit.submit(item)));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(singles).toEqual([1, 2, 3]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 's1' },
      { status: 'rejected', reason: new Error('item 2 is poison') },
      { status: 'fulfilled', value: 's3' },
    ]);
  });

  it('keeps going after a failure', async () => {
    const { commit } = recorder({ failBatches: true });
    await expect(Promise.all([1, 2].map((item) => commit.submit(item)))).resolves.toEqual(['s1', 's2']);
    await expect(commit.submit(9)).resolves.toBe('s9');
  });
});
