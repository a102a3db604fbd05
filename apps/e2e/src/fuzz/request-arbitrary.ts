// fast-check arbitraries of HTTP requests for one documented operation: valid ones (from the schemas), mutated
// ones (one hostile change to a valid one) and BOLA probes (another user's object id). Who calls is symbolic
// (`alice`, `bob`, `admin`…) and turned into a token only when the request is sent, so a counterexample reads well.
import fc from 'fast-check';
import { hostileBody, hostileHeaderValue, hostileJsonValue, hostileString } from './hostile-values.js';
import type { ApiOperation, JsonSchema, OperationParameter } from './openapi-operations.js';

export type ActorName = 'alice' | 'bob' | 'admin';
export type Caller = ActorName | 'anonymous' | 'forged';
export type Resource = 'orders' | 'notifications' | 'users';

export interface FuzzRequest {
  operation: string;
  kind: 'valid' | 'mutated' | 'bola';
  /** What the mutation changed, for the report. */
  mutation?: string;
  caller: Caller;
  method: string;
  /** Concrete and percent-encoded, with the query string. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The path names an object that belongs to this other user (a BOLA probe when the caller is no admin). */
  objectOwner?: ActorName;
}

/** What the running system already holds, read when a request is generated. */
export interface FuzzWorld {
  /** Ids of objects of `resource` owned by `owner` (for `users`: the user's own id). Never the seeded admin's account. */
  idsOf(resource: Resource, owner: ActorName): readonly string[];
  /** Credentials that log in (the seeded admin's included). */
  credentials(): readonly { email: string; password: string }[];
  refreshTokens(): readonly string[];
  cursors(): readonly string[];
}

const USERS: readonly ActorName[] = ['alice', 'bob'];
const ACTORS: readonly ActorName[] = ['alice', 'bob', 'admin'];
const otherThan = (actor: ActorName): ActorName[] => USERS.filter((user) => user !== actor);

/** An element of a list that is read when the value is generated (pools grow while the fuzzer runs). */
const oneOf = <T>(pool: () => readonly T[], fallback: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.nat().chain((index) => {
    const items = pool();
    return items.length === 0 ? fallback : fc.constant(items[index % items.length] as T);
  });

const resourceOf = (path: string): Resource | undefined => {
  const segment = path.split('/')[2];
  return segment === 'orders' || segment === 'notifications' || segment === 'users' ? segment : undefined;
};

const emailArbitrary = fc.oneof(
  fc.uuid().map((id) => `fuzz-${id.slice(0, 13)}@example.com`),
  fc.emailAddress({ size: 'small' }),
);

/** A value the schema accepts; `name` steers fields whose meaning the schema cannot tell (passwords, tokens). */
export function validValue(schema: JsonSchema, name: string, world: FuzzWorld, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.allOf?.length) return validValue(Object.assign({}, ...schema.allOf), name, world, depth);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'string':
      return validString(schema, name, world);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER) });
    case 'number': {
      // Mostly whole numbers: they are numbers too, and what counts, limits and prices are.
      const min = schema.minimum ?? -1e6;
      const max = schema.maximum ?? 1e6;
      return fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) },
        { weight: 1, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const minLength = schema.minItems ?? 0;
      // Small arrays, now and then the longest allowed (an order of 100 items).
      const maxLength = Math.min(schema.maxItems ?? 5, Math.max(minLength, 5));
      const items = validValue(schema.items ?? {}, name, world, depth + 1);
      const usual = fc.array(items, { minLength, maxLength });
      return schema.maxItems && schema.maxItems > maxLength ? fc.oneof({ weight: 9, arbitrary: usual }, { weight: 1, arbitrary: fc.array(items, { minLength: schema.maxItems, maxLength: schema.maxItems }) }) : usual;
    }
    case 'object': {
      if (depth > 6) return fc.constant({});
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0) return fc.constant({});
      return fc.record(
        Object.fromEntries(properties.map(([property, propertySchema]) => [property, validValue(propertySchema, property, world, depth + 1)])),
        { requiredKeys: (schema.required ?? []).filter((key) => schema.properties?.[key]) },
      );
    }
    default:
      return fc.oneof(fc.string(), fc.integer(), fc.boolean());
  }
}

function validString(schema: JsonSchema, name: string, world: FuzzWorld): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, Math.max(minLength, 40));
  if (name === 'refreshToken') return fc.oneof(oneOf(() => world.refreshTokens(), fc.base64String()), fc.base64String({ minLength: 4, maxLength: 64 }));
  if (name === 'cursor') return oneOf(() => world.cursors(), fc.constant(''));
  if (name === 'password') return fc.oneof(oneOf(() => world.credentials().map((credential) => credential.password), fc.constant('correct horse battery staple')), fc.string({ minLength: Math.max(minLength, 12), maxLength: 64, unit: 'grapheme' }));
  if (name === 'email' || schema.format === 'email') return fc.oneof(oneOf(() => world.credentials().map((credential) => credential.email), emailArbitrary), emailArbitrary);
  if (name === 'userId') return oneOf(() => USERS.flatMap((user) => world.idsOf('users', user)), fc.uuid());
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity));
  return fc.oneof(
    fc.string({ minLength: Math.max(minLength, 1), maxLength }),
    fc.string({ minLength: Math.max(minLength, 1), maxLength, unit: 'grapheme' }),
  );
}

// --- the parts of a request ---------------------------------------------------------------------------------

interface RequestParts {
  caller: Caller;
  pathValues: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  objectOwner?: ActorName;
}

const parametersIn = (operation: ApiOperation, where: OperationParameter['in']) => operation.parameters.filter((parameter) => parameter.in === where);

/** A path id of the caller's own objects (anyone's for an admin), or one that exists nowhere. */
const ownId = (operation: ApiOperation, world: FuzzWorld, caller: Caller): fc.Arbitrary<{ id: string; owner?: ActorName }> => {
  const resource = resourceOf(operation.path);
  if (!resource) return fc.uuid().map((id) => ({ id }));
  const owners = caller === 'admin' ? USERS : caller === 'alice' || caller === 'bob' ? [caller] : USERS;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...owners).chain((owner) => oneOf(() => world.idsOf(resource, owner), fc.uuid()).map((id) => ({ id, owner }))) },
    { weight: 1, arbitrary: fc.uuid().map((id) => ({ id })) },
  );
};

const validParts = (operation: ApiOperation, world: FuzzWorld, callerArbitrary?: fc.Arbitrary<Caller>): fc.Arbitrary<RequestParts> =>
  (callerArbitrary ?? (operation.authenticated ? fc.constantFrom<Caller>(...ACTORS) : fc.constant<Caller>('anonymous'))).chain((caller) => {
    const pathParameters = parametersIn(operation, 'path');
    const path = fc.tuple(...pathParameters.map(() => ownId(operation, world, caller)));
    // Each optional parameter half of the time; a cursor only once the API has handed one out.
    const query = fc.tuple(
      ...parametersIn(operation, 'query').map((parameter) =>
        fc.option(validValue(parameter.schema, parameter.name, world).map((value) => [parameter.name, String(value)] as [string, string]), { nil: undefined, freq: 1 }),
      ),
    );
    const headers = fc.tuple(
      ...parametersIn(operation, 'header').map((parameter) => fc.option(validHeader(parameter).map((value) => [parameter.name, value] as [string, string]), { nil: undefined })),
    );
    const body = operation.body ? validValue(operation.body.schema, 'body', world) : fc.constant(undefined);
    return fc.record({ path, query, headers, body }).map(({ path: ids, query: pairs, headers: headerPairs, body: value }) => ({
      caller,
      pathValues: Object.fromEntries(pathParameters.map((parameter, index) => [parameter.name, ids[index]?.id ?? ''])),
      objectOwner: ids.find((entry) => entry.owner !== undefined)?.owner,
      query: pairs.filter((pair): pair is [string, string] => pair !== undefined && !(pair[0] === 'cursor' && pair[1] === '')),
      headers: Object.fromEntries(headerPairs.filter((pair): pair is [string, string] => pair !== undefined)),
      body: value,
    }));
  });

function validHeader(parameter: OperationParameter): fc.Arbitrary<string> {
  const name = parameter.name.toLowerCase();
  if (name === 'idempotency-key') return fc.stringMatching(/^[\x21-\x7e]{1,64}$/);
  if (name === 'if-match') return fc.integer({ min: 1, max: 5 }).map((version) => `"${version}"`);
  if (name === 'last-event-id') return fc.nat({ max: 50 }).map(String);
  return fc.stringMatching(/^[\x21-\x7e]{1,32}$/);
}

// --- mutations ------------------------------------------------------------------------------------------------

type Path = (string | number)[];

const pathsIn = (value: unknown, prefix: Path = []): Path[] => {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, index) => pathsIn(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([key, item]) => pathsIn(item, [...prefix, key]))];
  return [prefix];
};

const withValueAt = (value: unknown, path: Path, replacement: unknown): unknown => {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1) as string | number] = replacement;
  return copy;
};

const withoutKeyAt = (value: unknown, path: Path): unknown => {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path.at(-1) as string];
  return copy;
};

const hostileValue = fc.oneof(hostileString, hostileJsonValue);

type Mutation = (parts: RequestParts, operation: ApiOperation) => fc.Arbitrary<[string, RequestParts]> | undefined;

const MUTATIONS: Record<string, Mutation> = {
  'body field': (parts) => {
    if (parts.body === undefined) return undefined;
    const paths = pathsIn(parts.body).filter((path) => path.length > 0);
    if (paths.length === 0) return undefined;
    return fc.tuple(fc.constantFrom(...paths), hostileValue).map(([path, replacement]) => [`${path.join('.')} = ${JSON.stringify(replacement)?.slice(0, 60)}`, { ...parts, body: withValueAt(parts.body, path, replacement) }]);
  },
  'missing field': (parts) => {
    if (parts.body === undefined) return undefined;
    const keyed = pathsIn(parts.body).filter((path) => typeof path.at(-1) === 'string');
    if (keyed.length === 0) return undefined;
    return fc.constantFrom(...keyed).map((path) => [`without ${path.join('.')}`, { ...parts, body: withoutKeyAt(parts.body, path) }]);
  },
  'unknown field': (parts) => {
    if (parts.body === null || typeof parts.body !== 'object' || Array.isArray(parts.body)) return undefined;
    return fc.tuple(fc.constantFrom('roles', 'userId', 'total', 'isAdmin', 'id', 'version', 'password\u0000', 'a'.repeat(300)), hostileValue)
      .map(([key, value]) => [`extra ${key}`, { ...parts, body: { ...(parts.body as object), [key]: value } }]);
  },
  'raw body': (parts, operation) =>
    operation.method === 'GET' ? undefined : hostileBody.map((raw) => [`body ${JSON.stringify(raw.slice(0, 40))}`, { ...parts, body: undefined, rawBody: raw }]),
  'content type': (parts, operation) =>
    operation.method === 'GET'
      ? undefined
      : fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/merge-patch+json', '')
          .map((contentType) => [`content-type ${JSON.stringify(contentType)}`, { ...parts, contentType, rawBody: parts.rawBody ?? JSON.stringify(parts.body ?? {}) }]),
  'path parameter': (parts) => {
    const names = Object.keys(parts.pathValues);
    if (names.length === 0) return undefined;
    return fc.tuple(fc.constantFrom(...names), fc.oneof(hostileString, fc.uuid().map((id) => id.toUpperCase()), fc.uuid().map((id) => `${id}x`)))
      .map(([name, value]) => [`{${name}} = ${JSON.stringify(value.slice(0, 40))}`, { ...parts, pathValues: { ...parts.pathValues, [name]: value }, objectOwner: undefined }]);
  },
  'query parameter': (parts, operation) => {
    const names = [...parametersIn(operation, 'query').map((parameter) => parameter.name), 'unknown', 'limit'];
    return fc.tuple(fc.constantFrom(...names), hostileString, fc.boolean()).map(([name, value, duplicate]) => [
      `?${name}=${JSON.stringify(value.slice(0, 40))}${duplicate ? ' (twice)' : ''}`,
      { ...parts, query: [...parts.query.filter(([key]) => duplicate || key !== name), [name, value]] },
    ]);
  },
  header: (parts, operation) => {
    const names = [...parametersIn(operation, 'header').map((parameter) => parameter.name), 'authorization', 'x-request-id', 'accept'];
    return fc.tuple(fc.constantFrom(...names), hostileHeaderValue).map(([name, value]) => [`header ${name}: ${JSON.stringify(value.slice(0, 40))}`, { ...parts, headers: { ...parts.headers, [name]: value } }]);
  },
  caller: (parts, operation) =>
    operation.authenticated ? fc.constantFrom<Caller>('anonymous', 'forged').map((caller) => [`caller ${caller}`, { ...parts, caller, objectOwner: undefined }]) : undefined,
};

// --- whole requests -------------------------------------------------------------------------------------------

/**
 * encodeURIComponent, except that an unpaired surrogate (which it refuses) is sent as the bytes a careless
 * client would send: its 3-byte generalized UTF-8 form, which is not valid UTF-8.
 */
export const percentEncode = (text: string): string =>
  [...text]
    .map((character) => {
      const code = character.codePointAt(0) ?? 0;
      if (code < 0xd800 || code > 0xdfff) return encodeURIComponent(character);
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    })
    .join('');

const toRequest = (operation: ApiOperation, kind: FuzzRequest['kind'], parts: RequestParts, mutation?: string): FuzzRequest => {
  const path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => percentEncode(parts.pathValues[name] ?? ''));
  const query = parts.query.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
  const body = parts.rawBody ?? (parts.body === undefined ? undefined : JSON.stringify(parts.body));
  const headers: Record<string, string> = { ...parts.headers };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (body !== undefined && !hasContentType && parts.contentType !== '') headers['content-type'] = parts.contentType ?? 'application/json';
  return {
    operation: operation.key,
    kind,
    ...(mutation === undefined ? {} : { mutation }),
    caller: parts.caller,
    method: operation.method,
    url: query ? `${path}?${query}` : path,
    headers,
    ...(body === undefined || operation.method === 'GET' ? {} : { body }),
    ...(parts.objectOwner === undefined ? {} : { objectOwner: parts.objectOwner }),
  };
};

/** Valid, mutated and (where the path names an object) BOLA requests of one operation. */
export function requestsFor(operation: ApiOperation, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const valid = validParts(operation, world).map((parts) => toRequest(operation, 'valid', parts));
  const mutated = validParts(operation, world).chain((parts) => {
    const applicable = Object.values(MUTATIONS).map((mutate) => mutate(parts, operation)).filter((arbitrary) => arbitrary !== undefined);
    return fc.oneof(...applicable).map(([mutation, changed]) => toRequest(operation, 'mutated', changed, mutation));
  });
  const kinds: fc.WeightedArbitrary<FuzzRequest>[] = [{ weight: 2, arbitrary: valid }, { weight: 3, arbitrary: mutated }];
  const resource = resourceOf(operation.path);
  if (resource && parametersIn(operation, 'path').length > 0 && operation.authenticated) {
    const bola = fc.constantFrom<ActorName>(...USERS).chain((caller) =>
      fc.constantFrom(...otherThan(caller)).chain((victim) =>
        validParts(operation, world, fc.constant(caller)).chain((parts) =>
          oneOf(() => world.idsOf(resource, victim), fc.constant('')).map((id) =>
            toRequest(operation, 'bola', { ...parts, pathValues: Object.fromEntries(Object.keys(parts.pathValues).map((name) => [name, id])), objectOwner: victim })),
        ),
      ),
    );
    kinds.push({ weight: 1, arbitrary: bola });
  }
  return fc.oneof(...kinds);
}
