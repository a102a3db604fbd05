// Every HTTP route of the app must declare who may call it. The guards fail closed (no declaration =
// authenticated), but an undeclared route is a review smell: this spec makes it a build failure, and
// pins the exact policy of every route so that a change in exposure shows up in the diff.
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';
import { ACCESS_POLICY, type AccessPolicy } from './access-policy.decorators.js';

interface RouteWithPolicy {
  route: string;
  policy: AccessPolicy | undefined;
}

const joinPath = (...parts: (string | undefined)[]): string =>
  '/' + parts.flatMap((part) => (part ?? '').split('/')).filter(Boolean).join('/');

const registeredRoutes = (testApp: GatewayTestApp): RouteWithPolicy[] => {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const routes: RouteWithPolicy[] = [];
  for (const module of testApp.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, () => unknown>)[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        routes.push({
          route: `${RequestMethod[method]} ${joinPath(Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler))}`,
          policy: reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [handler, controller]),
        });
      }
    }
  }
  return routes;
};

const describePolicy = (policy: AccessPolicy | undefined): string =>
  policy === undefined ? 'UNDECLARED' : policy.kind === 'roles' ? `roles:${policy.roles.join('|')}` : policy.kind;

let testApp: GatewayTestApp;
let routes: RouteWithPolicy[];

beforeAll(async () => {
  testApp = await createGatewayTestApp();
  routes = registeredRoutes(testApp);
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
      'GET /v1/users/me': 'authenticated',
      'PATCH /v1/users/me': 'authenticated',
      'GET /v1/users': 'roles:admin',
      'GET /v1/users/:id': 'roles:admin',
      'POST /v1/orders': 'authenticated',
      'GET /v1/orders': 'authenticated',
      'GET /v1/orders/:id': 'authenticated',
      'POST /v1/orders/:id/cancel': 'authenticated',
      'POST /v1/orders/:id/status': 'roles:admin',
      'GET /v1/notifications': 'authenticated',
      'POST /v1/notifications/:id/read': 'authenticated',
    });
  });
});
