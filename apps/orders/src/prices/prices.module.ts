import { Module } from '@nestjs/common';
import { PriceReadModelWarmup } from './price-read-model-warmup.js';
import { PriceReadModel } from './price-read-model.js';
import { ProductPricesHandlers } from './product-prices.handlers.js';

@Module({ controllers: [ProductPricesHandlers], providers: [PriceReadModel, PriceReadModelWarmup], exports: [PriceReadModel] })
export class PricesModule {}
