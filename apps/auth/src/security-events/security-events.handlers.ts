import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthRpc, ListSecurityEventsRequest, type Page, type SecurityEventView } from '@plinth/contracts';
import { SecurityTrail } from './security-trail.js';

@Controller()
export class SecurityEventsHandlers {
  constructor(private readonly trail: SecurityTrail) {}

  @MessagePattern(AuthRpc.listSecurityEvents)
  list(@Payload() request: ListSecurityEventsRequest): Promise<Page<SecurityEventView>> {
    return this.trail.list(request.actor, request);
  }
}
