import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CatalogEvents, ProductChangedEvent } from '@plinth/contracts';
import { Inbox } from '@plinth/messaging';
import { PriceReadModel } from './price-read-model.js';

/** Inbox consumer name: renaming it would make already-applied product events look new. */
export const PRICE_READ_MODEL_CONSUMER = 'orders.price-read-model';

/** `catalog.product.*` → orders' price read model (durable queue `orders.events`). */
@Controller()
export class ProductPricesHandlers {
  constructor(
    private readonly inbox: Inbox,
    private readonly prices: PriceReadModel,
  ) {}

  @EventPattern(CatalogEvents.productCreated)
  onProductCreated(@Payload() event: ProductChangedEvent): Promise<void> {
    return this.apply(event);
  }

  @EventPattern(CatalogEvents.productUpdated)
  onProductUpdated(@Payload() event: ProductChangedEvent): Promise<void> {
    return this.apply(event);
  }

  private async apply(event: ProductChangedEvent): Promise<void> {
    await this.inbox.process(event, PRICE_READ_MODEL_CONSUMER, (tx) => this.prices.apply([event.data], tx));
  }
}
