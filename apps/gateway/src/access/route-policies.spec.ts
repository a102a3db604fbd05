// Every HTTP route of the app must declare who may call it. The guards fail closed (no declaration =
// authenticated), but an undeclared route is a review smell: this spec makes it a build failure, and
// pins the exact policy of every route so that a change in exposure shows up in the diff.
import { randomUUID } from 'node:crypto';
import { ModulesContainer, Reflector } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';
import { OPERATIONAL_PATHS } from '@plinth/service-bootstrap';
import { registeredRoutes } from '../http/route-table.js';
import { ACCESS_POLICY, type AccessPolicy } from './access-policy.decorators.js';

interface RouteWithPolicy {
  route: string;
  policy: AccessPolicy | undefined;
}

const routesWithPolicies = (testApp: GatewayTestApp): RouteWithPolicy[] => {
  const reflector = new Reflector();
  // The bootstrap's probes are public by path (isOperationalPath), not by a declaration of this app.
  return registeredRoutes(testApp.app.get(ModulesContainer)).filter(({ path }) => !OPERATIONAL_PATHS.has(path)).map(({ method, path, controller, handler }) => ({
    route: `${method} ${path}`,
    policy: reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [handler as () => void, controller as () => void]),
  }));
};

const describePolicy = (policy: AccessPolicy | undefined): string =>
  policy === undefined ? 'UNDECLARED' : policy.kind === 'roles' ? `roles:${policy.roles.join('|')}` : policy.kind;

let testApp: GatewayTestApp;
let routes: RouteWithPolicy[];

beforeAll(async () => {
  testApp = await createGatewayTestApp();
  routes = routesWithPolicies(testApp);
});
afterAll(() => testApp.close());

describe('route access policies', () => {
  it('declares a policy (@Public, @Authenticated or @Roles) on every registered route', () => {
    const undeclared = routes.filter((route) => route.policy === undefined).map((route) => route.route);
    expect(undeclared).toEqual([]);
  });

  it('exposes exactly these routes with exactly these policies', () => {
    const table = Object.fromEntries(routes.map(({ route, policy }) => [route, describePolicy(policy)]));
    expect(table).toEqual({
      'POST /v1/auth/register': 'public',
      'POST /v1/auth/login': 'public',
      'POST /v1/auth/refresh': 'public',
      'POST /v1/auth/logout': 'public',
      'POST /v1/auth/password/forgot': 'public',
      'POST /v1/auth/password/reset': 'public',
      'POST /v1/auth/email/verify': 'public',
      'POST /v1/auth/login/mfa': 'public',
      'POST /v1/auth/mfa/totp': 'authenticated',
      'POST /v1/auth/mfa/totp/confirm': 'authenticated',
      'DELETE /v1/auth/mfa/totp': 'authenticated',
      'POST /v1/auth/password/change': 'authenticated',
      'POST /v1/auth/email/verification': 'authenticated',
      'GET /v1/auth/sessions': 'authenticated',
      'DELETE /v1/auth/sessions/:id': 'authenticated',
      'GET /v1/users/me': 'authenticated',
      'PATCH /v1/users/me': 'authenticated',
      'PATCH /v1/users/me/preferences': 'authenticated',
      'GET /v1/users': 'roles:admin',
      'GET /v1/users/:id': 'roles:admin',
      'PUT /v1/users/:id/roles': 'roles:admin',
      'POST /v1/users/:id/sessions/revoke': 'roles:admin',
      'POST /v1/users/:id/disable': 'roles:admin',
      'POST /v1/users/:id/enable': 'roles:admin',
      'GET /v1/users/:id/security-events': 'roles:admin',
      'POST /v1/orders': 'authenticated',
      'GET /v1/orders': 'authenticated',
      'GET /v1/orders/:id': 'authenticated',
      'POST /v1/orders/:id/cancel': 'authenticated',
      'POST /v1/orders/:id/status': 'roles:admin',
      'GET /v1/products': 'public',
      'GET /v1/products/:sku': 'public',
      'POST /v1/products': 'roles:admin',
      'PATCH /v1/products/:sku': 'roles:admin',
      'POST /v1/products/:sku/stock': 'roles:admin',
      'GET /v1/notifications': 'authenticated',
      'POST /v1/notifications/:id/read': 'authenticated',
      'GET /v1/notifications/stream': 'authenticated',
    });
  });
});

describe('route access policies are enforced', () => {
  const call = (route: string, token?: string) => {
    const [method, template] = route.split(' ');
    const path = template.replace(':id', randomUUID()).replace(':sku', 'SKU-1');
    const req = request(testApp.app.getHttpServer())[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch'](path);
    return token ? req.set('authorization', `Bearer ${token}`) : req;
  };

  it('answers 401 on every non-public route when no token is sent, before any RPC', async () => {
    const guarded = routes.filter((route) => route.policy?.kind !== 'public');
    expect(guarded.length).toBeGreaterThan(10);
    for (const { route } of guarded) expect([route, (await call(route)).status]).toEqual([route, 401]);
    expect(testApp.rpc.calls).toEqual([]);
  });

  it('answers 403 on every admin route to a caller without the admin role', async () => {
    const token = await testApp.token({ roles: ['user'] });
    const adminOnly = routes.filter((route) => route.policy?.kind === 'roles');
    expect(adminOnly.length).toBe(11);
    for (const { route } of adminOnly) expect([route, (await call(route, token)).status]).toEqual([route, 403]);
  });
});
