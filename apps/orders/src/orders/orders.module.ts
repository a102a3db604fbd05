import { Module } from '@nestjs/common';
import { IdempotencyKeyRetention } from './idempotency-key-retention.js';
import { OrdersHandlers } from './orders.handlers.js';
import { OrdersService } from './orders.service.js';

@Module({ controllers: [OrdersHandlers], providers: [OrdersService, IdempotencyKeyRetention] })
export class OrdersModule {}
