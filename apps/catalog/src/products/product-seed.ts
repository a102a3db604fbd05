import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CatalogConfig, parseSeedProducts } from '../config.js';
import { ProductsService } from './products.service.js';

/**
 * SEED_PRODUCTS at start, idempotently: products whose sku is new are created (with their `catalog.product.created`
 * event), the others are left alone. Runs in application bootstrap, before the RPC consumers start, so nothing that
 * asks catalog (orders filling its price read model) can see the catalog before the seed.
 */
@Injectable()
export class ProductSeed implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProductSeed.name);

  constructor(
    private readonly config: CatalogConfig,
    private readonly products: ProductsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SEED_PRODUCTS === undefined) return;
    const seed = parseSeedProducts(this.config.SEED_PRODUCTS) ?? [];
    const created = await this.products.createMissing(seed);
    this.logger.log(`seeded ${created} of ${seed.length} products (the others existed already)`);
  }
}
