// Schema-aware, property-based fuzzing of the whole public API, driven by the running gateway's /docs-json:
// valid, mutated and BOLA requests for every operation against the real system. Every answer must be < 500,
// arrive within REQUEST_TIMEOUT_MS, reveal no internals, be problem+json when 4xx and match the document when 2xx.
//
// Replay a failure with the seed and path it prints:  FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run apps/e2e/src/fuzz
// More or fewer requests: FUZZ_RUNS=<batches> (BATCH_SIZE requests each; the default sends 10,000).
// Against a system that is already running (e.g. `npm start` with the e2e ADMIN_* and the GATEWAY_ENV limits
// below): FUZZ_GATEWAY_URL=http://127.0.0.1:3000.
import fc from 'fast-check';
import type { NotificationView, Page } from '@plinth/contracts';
import type { RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from '../support/e2e-system.js';
import { eventually } from '../support/eventually.js';
import { PlinthApi, STRONG_PASSWORD } from '../support/plinth-api.js';
import { FuzzClient, type FuzzActor } from './fuzz-client.js';
import { violationsOf, type Observation } from './fuzz-oracle.js';
import { LiveFuzzWorld } from './fuzz-world.js';
import { operationAddressedBy, operationsOf, type ApiOperation, type OpenApiDocument } from './openapi-operations.js';
import { requestsFor, type ActorName, type FuzzRequest } from './request-arbitrary.js';
import { createResponseValidator, type ResponseValidator } from './response-validator.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const REPLAY_PATH = process.env.FUZZ_PATH;
/** Requests sent at once: the gateway serves them concurrently, as it would serve several clients. */
const BATCH_SIZE = 32;
const RUNS = Number(process.env.FUZZ_RUNS ?? 313);
const REQUIRED_REQUESTS = 10_000;

// The fuzzer is one client address sending thousands of requests a minute, and it logs its users in with
// wrong passwords on purpose: the limits that would otherwise answer most of it with 429 are lifted
// (their own behaviour is proven by security.spec.ts).
const UNLIMITED = '1000000';
const GATEWAY_ENV = {
  RATE_LIMIT_PER_MINUTE: UNLIMITED,
  AUTH_RATE_LIMIT_PER_MINUTE: UNLIMITED,
  WRITE_RATE_LIMIT_PER_MINUTE: UNLIMITED,
  LOGIN_ATTEMPTS_PER_ACCOUNT: UNLIMITED,
  LOGIN_FREE_FAILURES: '1000000000',
  SSE_MAX_STREAMS_PER_USER: '100',
  // The client pools keep-alive sockets for about 4 s; on a loaded machine its timers fire late, and a socket the
  // gateway closed at 5 s idle would be reused ("other side closed"). A server timeout well above the client's
  // is what the README asks of any client in front (a load balancer) too.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '60000',
};
// Every process: a reply that is slow because two shared cores are saturated is not what this suite looks for
// (the 504 path has its own test in negative-paths.spec.ts); REQUEST_TIMEOUT_MS (10 s) still catches a hang.
const SYSTEM_ENV = { RPC_TIMEOUT_MS: '8000' };

let system: RunningSystem | undefined;
let client: FuzzClient;
let world: LiveFuzzWorld;
let operations: ApiOperation[];
let validator: ResponseValidator;

const registerActor = async (api: PlinthApi, label: string): Promise<FuzzActor> => {
  const user = await api.register(`fuzz-${label}`);
  return { email: user.email, password: STRONG_PASSWORD, id: user.id, tokens: user.tokens };
};

beforeAll(async () => {
  const gatewayUrl = process.env.FUZZ_GATEWAY_URL ?? (system = await startE2eSystem({ env: SYSTEM_ENV, serviceEnv: { gateway: GATEWAY_ENV } })).gatewayUrl;
  const api = new PlinthApi(gatewayUrl);
  const [alice, bob] = await Promise.all([registerActor(api, 'alice'), registerActor(api, 'bob')]);
  const adminTokens = await api.login(ADMIN.email, ADMIN.password);
  const actors: Record<ActorName, FuzzActor> = { alice, bob, admin: { email: ADMIN.email, password: ADMIN.password, id: '', tokens: adminTokens } };
  client = new FuzzClient(gatewayUrl, actors);
  world = new LiveFuzzWorld(actors);
  // Objects to aim at from the start: orders of both users and the notifications they cause.
  for (const owner of ['alice', 'bob'] as const) {
    for (let i = 0; i < 3; i++) world.addObject('orders', owner, (await api.createOrder(actors[owner].tokens.accessToken)).id);
    const notifications = await eventually(async () => {
      const page: Page<NotificationView> = await api.listNotifications(actors[owner].tokens.accessToken);
      return page.items.length >= 3 ? page.items : undefined;
    }, { timeoutMs: 30_000, description: `${owner}'s first notifications` });
    for (const notification of notifications) world.addObject('notifications', owner, notification.id);
  }
  const document = (await (await fetch(`${gatewayUrl}/docs-json`)).json()) as OpenApiDocument;
  operations = operationsOf(document);
  validator = createResponseValidator(document);
}, SYSTEM_START_TIMEOUT_MS);

afterAll(() => stopE2eSystem(system, 'api-fuzz'), 60_000);

interface Tally {
  sent: number;
  byStatusClass: Record<string, number>;
  byOperation: Map<string, { valid: number; mutated: number; bola: number; statuses: Record<number, number>; totalMs: number; maxMs: number }>;
}

const describeFailure = (request: FuzzRequest, observation: Observation, violations: string[]): string => {
  const { authorization: _token, ...headers } = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return [
    `${request.method} ${request.url.slice(0, 300)} as ${request.caller} (${request.kind}${request.mutation ? `: ${request.mutation}` : ''}) → ${observation.status || 'no answer'}`,
    `  headers ${JSON.stringify(headers).slice(0, 300)}${request.body === undefined ? '' : `\n  body ${JSON.stringify(request.body.slice(0, 300))}`}`,
    ...violations.map((violation) => `  ✗ ${violation}`),
    `  x-request-id ${observation.headers.get('x-request-id') ?? '-'}`,
  ].join('\n');
};

describe('schema-aware fuzzing of every documented operation', () => {
  it('finds every operation of the document, with a valid and a mutated form each', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(operations.map((operation) => operation.key)).toEqual(expect.arrayContaining(['POST /v1/orders', 'GET /v1/orders/{id}', 'PATCH /v1/users/me']));
  });

  it(`answers ${REQUIRED_REQUESTS} valid, mutated and BOLA requests without a 5xx, a hang, a leak, a non-problem 4xx or an undocumented 2xx`, async () => {
    const tally: Tally = { sent: 0, byStatusClass: {}, byOperation: new Map(operations.map((operation) => [operation.key, { valid: 0, mutated: 0, bola: 0, statuses: {}, totalMs: 0, maxMs: 0 }])) };
    const request = fc.oneof(...operations.map((operation) => requestsFor(operation, world)));
    const started = Date.now();

    const property = fc.asyncProperty(fc.array(request, { minLength: BATCH_SIZE, maxLength: BATCH_SIZE }), async (batch) => {
      const identities = batch.map((one) => client.identityOf(one));
      const observations = await Promise.all(batch.map((one) => client.send(one)));
      const failures: string[] = [];
      const loggedOut = new Set<ActorName>();
      batch.forEach((one, index) => {
        const observation = observations[index] as Observation;
        tally.sent += 1;
        const statusClass = observation.status === 0 ? 'none' : `${String(observation.status)[0]}xx`;
        tally.byStatusClass[statusClass] = (tally.byStatusClass[statusClass] ?? 0) + 1;
        const counts = tally.byOperation.get(one.operation);
        if (counts) {
          counts[one.kind] += 1;
          counts.statuses[observation.status] = (counts.statuses[observation.status] ?? 0) + 1;
          counts.totalMs += observation.elapsedMs;
          counts.maxMs = Math.max(counts.maxMs, observation.elapsedMs);
        }
        world.record(one, observation);
        if (observation.status === 401 && one.caller !== 'anonymous' && one.caller !== 'forged') loggedOut.add(one.caller);
        const addressed = operationAddressedBy(operations, one.method, one.url)?.key ?? one.operation;
        const violations = violationsOf(one, addressed, identities[index] ?? { roles: [] }, observation, validator, world);
        if (violations.length > 0) failures.push(describeFailure(one, observation, violations));
      });
      for (const actor of loggedOut) await client.keepLoggedIn(actor);
      if (failures.length > 0) throw new Error(`${failures.length} of ${batch.length} requests broke the API's promises:\n${failures.join('\n')}`);
    });

    try {
      await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true, ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}) });
    } catch (error) {
      // fast-check's report names seed and path; this line says how to use them.
      const report = error instanceof Error ? error.message : String(error);
      const path = /path: "([^"]+)"/.exec(report)?.[1];
      throw new Error(`${report}\n\nReplay: FUZZ_SEED=${SEED}${path ? ` FUZZ_PATH=${path}` : ''} npx vitest run apps/e2e/src/fuzz`, { cause: error });
    } finally {
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `api-fuzz: seed ${SEED}, ${tally.sent} requests in ${seconds.toFixed(0)} s (${(tally.sent / seconds).toFixed(0)}/s), ` +
          `${client.housekeepingRequests} housekeeping; statuses ${JSON.stringify(tally.byStatusClass)}\n` +
          [...tally.byOperation]
            .map(([key, { totalMs, maxMs, ...counts }]) => {
              const sent = counts.valid + counts.mutated + counts.bola;
              return `  ${key}: ${JSON.stringify(counts)} mean ${(totalMs / Math.max(sent, 1)).toFixed(0)} ms, max ${maxMs.toFixed(0)} ms`;
            })
            .join('\n'),
      );
    }

    if (REPLAY_PATH === undefined && process.env.FUZZ_RUNS === undefined) expect(tally.sent).toBeGreaterThanOrEqual(REQUIRED_REQUESTS);
    for (const [key, counts] of tally.byOperation) {
      expect(counts.valid, `${key} got valid requests`).toBeGreaterThan(0);
      expect(counts.mutated, `${key} got mutated requests`).toBeGreaterThan(0);
    }
  }, 25 * 60_000);
});
