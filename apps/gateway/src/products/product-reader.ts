import { Injectable } from '@nestjs/common';
import { CatalogRpc, type ProductView } from '@plinth/contracts';
import { ServiceClient } from '../http/service-client.js';
import { ProductCache } from './product-cache.js';

/** One product as catalog has it, through the shared cache: the single way REST and GraphQL read a product. */
@Injectable()
export class ProductReader {
  constructor(
    private readonly rpc: ServiceClient,
    private readonly cache: ProductCache,
  ) {}

  one(sku: string): Promise<ProductView> {
    return this.cache.product(sku, () => this.rpc.send<ProductView>(CatalogRpc.get, { sku }));
  }
}
