import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CatalogEvents, ProductChangedEvent, StockReleasedEvent, StockReservedEvent } from '@plinth/contracts';
import { ProductCache } from './product-cache.js';

/**
 * catalog's events, received by every gateway replica on its own broadcast queue: each one that changes what a
 * product read shows (name, price, stock on hand, reserved units) evicts that product from the shared cache.
 */
@Controller()
export class ProductCacheEvictions {
  constructor(private readonly cache: ProductCache) {}

  @EventPattern(CatalogEvents.productCreated)
  async onProductCreated(@Payload() event: ProductChangedEvent): Promise<void> {
    await this.cache.evict([event.data.sku]);
  }

  @EventPattern(CatalogEvents.productUpdated)
  async onProductUpdated(@Payload() event: ProductChangedEvent): Promise<void> {
    await this.cache.evict([event.data.sku]);
  }

  @EventPattern(CatalogEvents.stockReserved)
  async onStockReserved(@Payload() event: StockReservedEvent): Promise<void> {
    await this.cache.evict(event.data.lines.map((line) => line.sku));
  }

  @EventPattern(CatalogEvents.stockReleased)
  async onStockReleased(@Payload() event: StockReleasedEvent): Promise<void> {
    await this.cache.evict(event.data.lines.map((line) => line.sku));
  }
}
