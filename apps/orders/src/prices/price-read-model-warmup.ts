import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CatalogRpc, MAX_PAGE_LIMIT, type Page, type ProductView } from '@plinth/contracts';
import { RpcClient } from '@plinth/messaging';
import { ReadinessGates } from '@plinth/service-bootstrap';
import { PriceReadModel } from './price-read-model.js';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;
// Per page, whatever RPC_TIMEOUT_MS is: a request sent before catalog declared its queue is dropped by the broker, and
// the next try should not wait long for its answer.
const PAGE_TIMEOUT_MS = 3_000;

/**
 * A fresh orders database knows no price, so it could price no order until every product changed once. At start,
 * an EMPTY read model is filled from catalog's list (paged `catalog.products.list`), retrying until catalog answers;
 * /readyz says `prices: down` until then. The product events keep it current afterwards (their queue is durable,
 * so a non-empty read model missed nothing while orders was down). Version-ordered writes let pages and events
 * interleave in any order.
 */
@Injectable()
export class PriceReadModelWarmup implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PriceReadModelWarmup.name);
  private filled = false;
  private stopped = false;

  constructor(
    private readonly prices: PriceReadModel,
    private readonly rpc: RpcClient,
    gates: ReadinessGates,
  ) {
    gates.register('prices', { isOpen: () => this.filled, whileClosed: 'filling the price read model from catalog' });
  }

  onApplicationBootstrap(): void {
    void this.fillUntilDone();
  }

  onModuleDestroy(): void {
    this.stopped = true;
  }

  private async fillUntilDone(): Promise<void> {
    for (let delayMs = FIRST_RETRY_MS; !this.stopped; delayMs = Math.min(delayMs * 2, MAX_RETRY_MS)) {
      try {
        if (await this.prices.isEmpty()) await this.fillFromCatalog();
        this.filled = true;
        return;
      } catch (error) {
        this.logger.warn(`price read model not filled yet (${error instanceof Error ? error.message : String(error)}); retrying in ${delayMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async fillFromCatalog(): Promise<void> {
    let cursor: string | undefined;
    let count = 0;
    do {
      const page = await this.rpc.send<Page<ProductView>>(CatalogRpc.list, { limit: MAX_PAGE_LIMIT, cursor }, { timeoutMs: PAGE_TIMEOUT_MS });
      await this.prices.apply(page.items);
      count += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && !this.stopped);
    this.logger.log(`price read model filled from catalog: ${count} products`);
  }
}
