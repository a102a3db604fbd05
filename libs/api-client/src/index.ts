import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export type { Middleware };

/** A schema of the document by name, e.g. `Schema<'OrderView'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type PlinthClient = Client<paths>;

/**
 * A typed client of the gateway's public API, generated from apps/gateway/openapi.json (openapi-typescript types,
 * openapi-fetch calls): paths, parameters, bodies and answers are checked by the compiler against the document.
 * For tests and tooling; `middleware` sees every request and response (the e2e suite validates each answer with it).
 */
export const createPlinthClient = (baseUrl: string, options: Omit<ClientOptions, 'baseUrl'> & { middleware?: Middleware[] } = {}): PlinthClient => {
  const { middleware = [], ...clientOptions } = options;
  const client = createClient<paths>({ baseUrl, ...clientOptions });
  for (const entry of middleware) client.use(entry);
  return client;
};
