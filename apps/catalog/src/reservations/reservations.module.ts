import { Module } from '@nestjs/common';
import { ReservationsHandlers } from './reservations.handlers.js';
import { ReservationsService } from './reservations.service.js';

@Module({ controllers: [ReservationsHandlers], providers: [ReservationsService] })
export class ReservationsModule {}
