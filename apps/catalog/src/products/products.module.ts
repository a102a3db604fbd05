import { Module } from '@nestjs/common';
import { ProductSeed } from './product-seed.js';
import { ProductsHandlers } from './products.handlers.js';
import { ProductsService } from './products.service.js';

@Module({ controllers: [ProductsHandlers], providers: [ProductsService, ProductSeed] })
export class ProductsModule {}
