import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { OPERATIONAL_PATHS } from '@plinth/service-bootstrap';
import { edgeRequestOf } from '../http/edge-request.js';
import { ACCESS_POLICY, type AccessPolicy } from './access-policy.decorators.js';

const AUTHENTICATED: AccessPolicy = { kind: 'authenticated' };
const PUBLIC: AccessPolicy = { kind: 'public' };

// Probes and the metrics scrape are served by @plinth/service-bootstrap's controllers, which cannot carry
// our decorators; orchestrators and Prometheus call them without a token, so they are public by definition.
export const isOperationalPath = (context: ExecutionContext): boolean =>
  OPERATIONAL_PATHS.has(edgeRequestOf<Request>(context).path);

/** The policy of the route being served; a method's own declaration wins over its controller's. */
export const accessPolicyOf = (reflector: Reflector, context: ExecutionContext): AccessPolicy => {
  const declared = reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [context.getHandler(), context.getClass()]);
  if (declared) return declared;
  return isOperationalPath(context) ? PUBLIC : AUTHENTICATED;
};
