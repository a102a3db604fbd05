// Closed-loop HTTP load with autocannon, the same for Plinth's gateway and the monolith yardstick:
// same body, connections and token rotation, so their figures compare line by line.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';

// Identical to the monolith yardstick's body: two items, total computed server-side.
export const orderBody = JSON.stringify({
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }, { sku: 'SKU-2', quantity: 1, unitPrice: 99 }],
});

/** Scenario → request, relative to an API prefix ('/v1' on the gateway, '' on the monolith). */
export const scenarios = (prefix) => ({
  create: { method: 'POST', path: `${prefix}/orders`, body: orderBody },
  list: { method: 'GET', path: `${prefix}/orders?limit=20` },
  // Not in the monolith: the cheapest authenticated round trip (one RPC, one primary-key read), i.e. the
  // gateway + RPC overhead that create and list pay on top of their own work.
  profile: { method: 'GET', path: `${prefix}/users/me` },
});

// The same fields as the REST answers (OrderView, the page's cursor), so both faces serialize the same data.
const ORDER_FIELDS = 'id userId status currency items { sku quantity unitPrice } total version createdAt updatedAt';

/** The GraphQL face of `list` and `create`, both POST /graphql on the gateway (plain queries, no APQ). */
export const graphqlScenarios = () => ({
  list: { method: 'POST', path: '/graphql', body: JSON.stringify({ query: `{ myOrders(first: 20) { edges { node { ${ORDER_FIELDS} } } pageInfo { hasNextPage endCursor } } }` }) },
  create: {
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { replayed order { ${ORDER_FIELDS} } } }`, variables: { input: JSON.parse(orderBody) } }),
  },
});

/**
 * The bench is ONE client address hammering on purpose: the gateway's per-address limits (600/min,
 * 60/min on credential routes) would turn it into a 429 benchmark. Logs at warn keep I/O out of it.
 */
export const benchSystemEnv = () => ({ LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', AUTH_RATE_LIMIT_PER_MINUTE: '100000000', WRITE_RATE_LIMIT_PER_MINUTE: '100000000' });

export async function registerUser(baseUrl, label) {
  const res = await fetch(`${baseUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${label}-${randomUUID().slice(0, 8)}@example.com`, password: 'bench password 0001', displayName: `Bench ${label}` }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return (await res.json()).accessToken;
}

/** Registers `count` users, a few at a time: registration is argon2-bound by design and not what is measured. */
export async function registerUsers(baseUrl, count, label = 'load') {
  const tokens = [];
  for (let i = 0; i < count; i += 4) {
    tokens.push(...(await Promise.all(Array.from({ length: Math.min(4, count - i) }, (_, j) => registerUser(baseUrl, `${label}-${i + j}`)))));
  }
  return tokens;
}

/** Drives one scenario for `seconds`, rotating the users' tokens request by request. */
export function runLoad({ baseUrl, tokens, scenario, seconds, connections }) {
  let next = 0;
  const withNextToken = (request) => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
  });
  return autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [{ ...scenario, setupRequest: withNextToken }],
  });
}

/** The monolith bench's fields (rps, p50_ms, p99_ms, non2xx, errors, timeouts) plus status codes and totals. */
export const summarizeLoad = (scenario, target, result) => ({
  scenario,
  target,
  rps: Math.round(result.requests.average),
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: result.statusCodeStats,
  total: result.requests.total,
  seconds: result.duration,
});

/** How many requests of an autocannon result were answered with `status`. */
export const countStatus = (result, status) => result.statusCodeStats?.[String(status)]?.count ?? 0;
