import { Injectable, RequestMethod, type OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';

export interface RegisteredRoute {
  method: string;
  path: string;
  controller: object;
  handler: object;
}

const joinPath = (...parts: unknown[]): string =>
  '/' + parts.flatMap((part) => (typeof part === 'string' ? part.split('/') : [])).filter(Boolean).join('/');

/** Every HTTP route of the application, read from the controllers' metadata (all modules, bootstrap's too). */
export const registeredRoutes = (modules: ModulesContainer): RegisteredRoute[] => {
  const scanner = new MetadataScanner();
  const routes: RegisteredRoute[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, object> } | null;
      if (!controller) continue;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path = joinPath(Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler));
        routes.push({ method: RequestMethod[method], path, controller, handler });
      }
    }
  }
  return routes;
};

const patternOf = (path: string): RegExp =>
  new RegExp('^' + path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '/?$');

/** Which methods a path supports, so that a wrong method is answered 405 with `Allow`, not 404. */
@Injectable()
export class RouteTable implements OnApplicationBootstrap {
  private routes: { method: string; pattern: RegExp }[] = [];

  constructor(private readonly modules: ModulesContainer) {}

  onApplicationBootstrap(): void {
    this.routes = registeredRoutes(this.modules).map(({ method, path }) => ({ method, pattern: patternOf(path) }));
  }

  allowedMethods(path: string): string[] {
    const methods = new Set(this.routes.filter((route) => route.pattern.test(path)).map((route) => route.method));
    // Express answers HEAD with the GET route.
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods];
  }
}
