import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AuthEvents, RolesChangedEvent, SessionRevokedEvent } from '@plinth/contracts';
import { TokenRevocations } from './token-revocations.js';

/** auth's broadcast events, received by every replica of every service on its own queue. */
@Controller()
export class TokenRevocationHandlers {
  constructor(private readonly revocations: TokenRevocations) {}

  @EventPattern(AuthEvents.sessionRevoked)
  onSessionRevoked(@Payload() event: SessionRevokedEvent): void {
    this.revocations.revokeSession(event.data.sessionId);
  }

  @EventPattern(AuthEvents.rolesChanged)
  onRolesChanged(@Payload() event: RolesChangedEvent): void {
    this.revocations.changeRoles(event.data.userId, new Date(event.occurredAt));
  }
}
