import { Module } from '@nestjs/common';
import { OrdersModule } from './orders/orders.module.js';

/** Persistence, messaging, outbox, health and logging come from bootstrapService; this wires the features. */
@Module({ imports: [OrdersModule] })
export class OrdersAppModule {}
