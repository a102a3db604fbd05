import { Module } from '@nestjs/common';
import { OrdersHandlers } from './orders.handlers.js';
import { OrdersService } from './orders.service.js';

@Module({ controllers: [OrdersHandlers], providers: [OrdersService] })
export class OrdersModule {}
