import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { edgeRequestOf, isEdgeRequest } from '../http/edge-request.js';
import { accessPolicyOf } from './access-policy.js';
import type { AuthenticatedCaller } from './authenticated-caller.js';

/** Runs after JwtAuthGuard: a route declared @Roles(...) needs one of those roles in the token. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (!isEdgeRequest(context)) return true;
    const policy = accessPolicyOf(this.reflector, context);
    if (policy.kind !== 'roles') return true;
    const caller = edgeRequestOf<{ user?: AuthenticatedCaller }>(context).user;
    if (caller?.roles.some((role) => policy.roles.includes(role))) return true;
    throw new ApplicationError(ErrorCodes.FORBIDDEN, 'This operation requires one of the roles: ' + policy.roles.join(', ') + '.');
  }
}
