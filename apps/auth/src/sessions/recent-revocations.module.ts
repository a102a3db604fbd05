import { Module } from '@nestjs/common';
import { RecentRevocationsQuery } from './recent-revocations.js';

/** Its own module so the service bootstrap can import it for auth's own revocation catch-up (main.ts). */
@Module({ providers: [RecentRevocationsQuery], exports: [RecentRevocationsQuery] })
export class RecentRevocationsModule {}
