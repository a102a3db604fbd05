import { Module } from '@nestjs/common';
import { SecurityEventsHandlers } from './security-events.handlers.js';
import { SecurityTrail } from './security-trail.js';

@Module({
  controllers: [SecurityEventsHandlers],
  providers: [SecurityTrail],
  exports: [SecurityTrail],
})
export class SecurityEventsModule {}
