import { Module } from '@nestjs/common';
import { ServiceClient } from '../http/service-client.js';
import { ProductCache } from './product-cache.js';
import { ProductCacheEvictions } from './product-cache-evictions.handlers.js';
import { ProductReader } from './product-reader.js';
import { ProductsController } from './products.controller.js';

/** `/v1/products` and the shared product cache, with the catalog events that evict from it (GraphQL reads through it too). */
@Module({
  controllers: [ProductsController, ProductCacheEvictions],
  providers: [ProductCache, ProductReader, ServiceClient],
  exports: [ProductReader],
})
export class ProductsModule {}
