// Eventual consistency (events → notifications, revocations → gateway) is awaited by polling
// against a deadline, never by fixed sleeps: fast when the system is fast, bounded when it is not.

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  description?: string;
}

/** Calls `probe` until it returns a value other than `undefined`, or fails after the deadline. */
export async function eventually<T>(probe: () => Promise<T | undefined>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 150, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Asserts that `probe` keeps holding for `durationMs` (e.g. "no duplicate notification shows up").
 * Absence can only be observed over time, so this is the one place a bounded wait is the point.
 */
export async function consistently(probe: () => Promise<void>, durationMs: number, intervalMs = 250): Promise<void> {
  const until = Date.now() + durationMs;
  do {
    await probe();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  } while (Date.now() < until);
  await probe();
}
