import { Module } from '@nestjs/common';
import { ProductsModule } from './products/products.module.js';
import { ReservationsModule } from './reservations/reservations.module.js';

/** Persistence, messaging, outbox, health and logging come from bootstrapService; this wires the features. */
@Module({ imports: [ProductsModule, ReservationsModule] })
export class CatalogAppModule {}
