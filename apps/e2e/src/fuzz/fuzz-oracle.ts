// What every answer of the API must satisfy, whatever was sent: the fuzzer's assertions in one place.
import { routedPathOf } from './openapi-operations.js';
import type { ResponseValidator } from './response-validator.js';
import type { ActorName, FuzzRequest, FuzzWorld } from './request-arbitrary.js';

export interface Observation {
  status: number;
  headers: Headers;
  /** The body as text (not read for event streams). */
  text: string;
  /** Set when the request failed without an HTTP answer (timeout, reset). */
  failure?: string;
  elapsedMs: number;
}

/** Who the request acted as, from the claims of the token that was actually sent. */
export interface CallerIdentity {
  userId?: string;
  roles: readonly string[];
}

// Signs of internals in a body: stack frames, source paths, driver and ORM names, SQL error texts, connection URLs.
// Names are matched as whole words: generated text (an email like `….zknexz.…`) may hold one inside a longer word,
// and an echo of the request must not trip them.
const INTERNALS: readonly RegExp[] = [
  /\bat [\w.<>$]+ \(/,
  /node_modules|\/work\/|\.[jt]s:\d+/,
  /\b\w+(?:Exception|Error): /,
  /\b(?:MikroORM|knex|node-postgres|amqplib)\b/i,
  /duplicate key value|violates \w+ ?\w* constraint|invalid input syntax|invalid byte sequence|syntax error at or near|invalid message format/i,
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|amqps?:\/\/|postgres(?:ql)?:\/\//i,
];

const PROBLEM_CODE = /^[A-Z]+\.[A-Z_]+$/;

const parse = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: text === '' ? undefined : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

const problemViolations = (observation: Observation): string[] => {
  const violations: string[] = [];
  const contentType = observation.headers.get('content-type') ?? '';
  if (!/^application\/problem\+json/.test(contentType)) violations.push(`${observation.status} with content-type ${JSON.stringify(contentType)}, not application/problem+json`);
  const parsed = parse(observation.text);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') return [...violations, `${observation.status} body is not a JSON object: ${observation.text.slice(0, 120)}`];
  const problem = parsed.value as Record<string, unknown>;
  for (const field of ['type', 'title', 'detail', 'instance', 'code', 'requestId']) {
    if (typeof problem[field] !== 'string') violations.push(`problem.${field} is ${JSON.stringify(problem[field])}, not a string`);
  }
  if (problem.status !== observation.status) violations.push(`problem.status ${JSON.stringify(problem.status)} ≠ HTTP ${observation.status}`);
  if (typeof problem.code === 'string' && !PROBLEM_CODE.test(problem.code)) violations.push(`problem.code ${problem.code} is not a stable code`);
  if (problem.requestId !== observation.headers.get('x-request-id')) violations.push('problem.requestId differs from x-request-id');
  return violations;
};

const listViolations = (request: FuzzRequest, caller: CallerIdentity, body: unknown, world: FuzzWorld): string[] => {
  if (caller.roles.includes('admin') || body === null || typeof body !== 'object') return [];
  const items = (body as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  const path = routedPathOf(request.url);
  if (path === '/v1/users') return ['a non-admin listed users'];
  if (path === '/v1/orders') {
    return items.filter((item) => (item as { userId?: unknown }).userId !== caller.userId).map((item) => `order ${(item as { id?: string }).id} of another user listed`);
  }
  if (path === '/v1/notifications') {
    const others = (['alice', 'bob'] as ActorName[]).filter((user) => user !== request.caller).flatMap((user) => world.idsOf('notifications', user));
    return items.filter((item) => others.includes((item as { id: string }).id)).map((item) => `notification ${(item as { id: string }).id} of another user listed`);
  }
  return [];
};

/**
 * Every way `observation` breaks the API's promises for `request` (empty when it keeps them all). `addressed` is the
 * key of the operation the URL actually reaches (see operationAddressedBy), which a 2xx must conform to.
 */
export function violationsOf(
  request: FuzzRequest, addressed: string, caller: CallerIdentity, observation: Observation, validator: ResponseValidator, world: FuzzWorld,
): string[] {
  if (observation.failure) return [`no HTTP answer: ${observation.failure}`];
  const { status } = observation;
  const violations: string[] = [];
  if (status >= 500) violations.push(`server error ${status}: ${observation.text.slice(0, 200)}`);
  for (const pattern of INTERNALS) {
    if (pattern.test(observation.text)) violations.push(`body reveals internals (${pattern}): ${observation.text.slice(0, 200)}`);
  }
  if (observation.headers.has('x-powered-by')) violations.push('x-powered-by header present');
  if (status >= 400) return [...violations, ...problemViolations(observation)];

  const contentType = observation.headers.get('content-type') ?? undefined;
  const isJson = /json/.test(contentType ?? '');
  const parsed = isJson ? parse(observation.text) : { ok: true as const, value: observation.text };
  if (!parsed.ok) return [...violations, `${status} body is not JSON: ${observation.text.slice(0, 120)}`];
  violations.push(...validator.check(addressed, status, contentType, parsed.value));

  if (status < 300 && request.objectOwner !== undefined && request.objectOwner !== request.caller && !caller.roles.includes('admin')) {
    violations.push(`BOLA: ${request.caller} got ${status} on an object of ${request.objectOwner}`);
  }
  if (request.method === 'GET' && status === 200) violations.push(...listViolations(request, caller, parsed.value, world));
  return violations;
}
