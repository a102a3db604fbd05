import { PricesModule } from '../prices/prices.module.js';
import { OrderSaga } from './order-saga.js';
import { StockOutcomeHandlers } from './stock-outcome.handlers.js';
import { Module } from '@nestjs/common';
import { IdempotencyKeyRetention } from './idempotency-key-retention.js';
import { OrdersHandlers } from './orders.handlers.js';
import { OrdersService } from './orders.service.js';

@Module({ imports: [PricesModule], controllers: [OrdersHandlers, StockOutcomeHandlers], providers: [OrdersService, IdempotencyKeyRetention, OrderSaga] })
export class OrdersModule {}
