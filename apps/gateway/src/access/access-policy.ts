import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCESS_POLICY, type AccessPolicy } from './access-policy.decorators.js';

const AUTHENTICATED: AccessPolicy = { kind: 'authenticated' };
const PUBLIC: AccessPolicy = { kind: 'public' };

// Liveness and readiness are served by @plinth/service-bootstrap's controller, which cannot carry our
// decorators; orchestrators call them without a token, so they are public by definition.
const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

export const isProbe = (context: ExecutionContext): boolean =>
  PROBE_PATHS.has(context.switchToHttp().getRequest<Request>().path);

/** The policy of the route being served; a method's own declaration wins over its controller's. */
export const accessPolicyOf = (reflector: Reflector, context: ExecutionContext): AccessPolicy => {
  const declared = reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [context.getHandler(), context.getClass()]);
  if (declared) return declared;
  return isProbe(context) ? PUBLIC : AUTHENTICATED;
};
