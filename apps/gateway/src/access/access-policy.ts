import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ACCESS_POLICY, type AccessPolicy } from './access-policy.decorators.js';

const AUTHENTICATED: AccessPolicy = { kind: 'authenticated' };

/** The policy of the route being served; a method's own declaration wins over its controller's. */
export const accessPolicyOf = (reflector: Reflector, context: ExecutionContext): AccessPolicy =>
  reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [context.getHandler(), context.getClass()]) ?? AUTHENTICATED;
