import { Logger } from '@nestjs/common';
import type { RecentRevocations } from '@plinth/contracts';
import type { TokenRevocations } from './token-revocations.js';

/** Reads the revocations of the last `withinSeconds` from auth (over RPC; auth from its own database). */
export type RecentRevocationsSource = (withinSeconds: number) => Promise<RecentRevocations>;

const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * Catches a replica up on revocations it could not hear: its broadcast queue exists only while it is connected, so
 * a replica that starts, restarts or reconnects after a logout, a refresh-token reuse or an admin revocation would
 * accept that token until it expires. `resync()` runs at every broker (re)connection, after the broadcast queue is
 * bound (so nothing falls between the list and the live events), and retries until auth answers; until then the
 * replica is not ready (`isSynced()`, part of /readyz).
 */
export class RevocationSync {
  private readonly logger = new Logger(RevocationSync.name);
  private synced = false;
  private generation = 0;
  private stopped = false;

  constructor(
    private readonly revocations: TokenRevocations,
    private readonly source: RecentRevocationsSource,
    private readonly rememberSeconds: number,
  ) {}

  isSynced(): boolean {
    return this.synced;
  }

  /** Starts (or restarts) catching up; resolves once caught up, or when superseded by a newer resync or stop(). */
  async resync(): Promise<void> {
    this.synced = false;
    const generation = ++this.generation;
    for (let attempt = 1, delay = RETRY_INITIAL_MS; !this.stopped && generation === this.generation; attempt++, delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      try {
        this.revocations.apply(await this.source(this.rememberSeconds));
        if (generation === this.generation) this.synced = true;
        return;
      } catch (error) {
        this.logger.warn(`Reading recent revocations from auth failed (attempt ${attempt}), retrying in ${delay} ms: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
