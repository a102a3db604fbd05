import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Role } from '@plinth/contracts';
import { ApiProblems } from '../http/api-problem-responses.decorator.js';

export const ACCESS_POLICY = 'plinth:access-policy';

/**
 * Who may call a route. Every route declares one explicitly (a spec enumerates them); a route
 * without one is still treated as `authenticated` by the guards, so forgetting fails closed.
 */
export type AccessPolicy =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'roles'; roles: Role[] };

export const BEARER_AUTH = 'bearer';

/** Anyone, without a token (registration, login, token refresh). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_POLICY, { kind: 'public' } satisfies AccessPolicy);

/** Any caller with a valid access token. */
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_POLICY, { kind: 'authenticated' } satisfies AccessPolicy), ApiBearerAuth(BEARER_AUTH));

/** A caller with a valid access token holding at least one of these roles; others get 403. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_POLICY, { kind: 'roles', roles } satisfies AccessPolicy), ApiBearerAuth(BEARER_AUTH), ApiProblems(403));
