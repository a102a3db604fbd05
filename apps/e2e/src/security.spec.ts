// A hostile client against the running system: every defence of the security issue attacked through
// the gateway (and, for the inside, straight at RabbitMQ), with the real services and a second gateway
// replica sharing rate limits through Redis.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { AuthRpc, NotificationsRpc, OrdersRpc, UsersRpc, type OrderView, type TokenPair } from '@plinth/contracts';
import { forgedRpc as forgedRpcAsGateway, freePort, ServiceProcess, workspaceRoot, type ForgedRpcReply, type RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, SERVICES_WITHOUT_SAGA, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { signedWithForeignKey, unsigned, withEscalatedClaims } from './support/forged-tokens.js';
import { claimsOf, expectStatus, PlinthApi, STRONG_PASSWORD, uniqueEmail, type ApiResponse, type RegisteredUser } from './support/plinth-api.js';
import type { ApiCall } from './support/api-response.js';
import { expectProblem, expectValidationProblem } from './support/problem-assertions.js';

vi.setConfig({ testTimeout: 60_000 });

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ALLOWED_ORIGIN = 'https://app.example.com';
const LIMITS = {
  perMinute: 300, credentialPerMinute: 40, writesPerMinute: 20, loginsPerAccount: 8, lockoutSeconds: 60, maxInFlight: 20,
  freeLoginFailures: 3, loginDelayBaseSeconds: 1, loginDelayMaxSeconds: 2,
};

const SECURITY_ENV = {
  REDIS_URL,
  RATE_LIMIT_KEY_PREFIX: `plinth-e2e-${randomUUID().slice(0, 8)}:`,
  // The suite is the proxy: X-Forwarded-For from loopback is believed, so each attack can come from its own address.
  TRUST_PROXY: 'loopback',
  RATE_LIMIT_PER_MINUTE: String(LIMITS.perMinute),
  AUTH_RATE_LIMIT_PER_MINUTE: String(LIMITS.credentialPerMinute),
  WRITE_RATE_LIMIT_PER_MINUTE: String(LIMITS.writesPerMinute),
  LOGIN_ATTEMPTS_PER_ACCOUNT: String(LIMITS.loginsPerAccount),
  LOGIN_LOCKOUT_SECONDS: String(LIMITS.lockoutSeconds),
  LOGIN_FREE_FAILURES: String(LIMITS.freeLoginFailures),
  LOGIN_DELAY_BASE_SECONDS: String(LIMITS.loginDelayBaseSeconds),
  LOGIN_DELAY_MAX_SECONDS: String(LIMITS.loginDelayMaxSeconds),
  HTTP_HEADERS_TIMEOUT_MS: '2000',
  HTTP_REQUEST_TIMEOUT_MS: '5000',
  MAX_IN_FLIGHT_REQUESTS: String(LIMITS.maxInFlight),
  CORS_ORIGINS: ALLOWED_ORIGIN,
  JWKS_REFETCH_MIN_INTERVAL_SECONDS: '1',
  SIGNING_KEY_RELOAD_SECONDS: '1',
};

let system: RunningSystem;
let replicaB: ServiceProcess;
let api: PlinthApi;
let apiB: PlinthApi;
let alice: RegisteredUser;
let bob: RegisteredUser;
let carol: RegisteredUser;
let admin: TokenPair;
let aliceOrder: OrderView;
// Every secret the run handles: none of them may appear in any service's log.
const secrets = new Set<string>();
const remember = (tokens: TokenPair): TokenPair => {
  secrets.add(tokens.accessToken);
  secrets.add(tokens.refreshToken);
  return tokens;
};

let addressSequence = 0;
/** A client address of its own (TEST-NET-2/3), so one attack's counters never touch another's. */
const freshAddress = (): string => {
  addressSequence += 1;
  return `${addressSequence < 250 ? '198.51.100' : '203.0.113'}.${(addressSequence % 250) + 1}`;
};
const from = (req: ApiCall, address: string): ApiCall => req.set('x-forwarded-for', address);
const login = (target: PlinthApi, email: string, password: string, address = freshAddress()): ApiCall =>
  from(target.post('/v1/auth/login', { email, password }), address);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The progressive delay the gateway imposes after an account's `failures`-th consecutive failed login, in ms. */
const loginDelayAfter = (failures: number): number => failures <= LIMITS.freeLoginFailures ? 0
  : Math.min(LIMITS.loginDelayBaseSeconds * 2 ** (failures - LIMITS.freeLoginFailures - 1), LIMITS.loginDelayMaxSeconds) * 1000;
/** `count` logins for one account, each after the delay the previous failures imposed, so that every one reaches auth. */
const pacedLogins = async (email: string, password: string, count: number): Promise<ApiResponse[]> => {
  const responses: ApiResponse[] = [];
  for (let attempt = 1; attempt <= count; attempt++) {
    if (attempt > 1) await sleep(loginDelayAfter(attempt - 1) + (loginDelayAfter(attempt - 1) > 0 ? 150 : 0));
    responses.push(await login(api, email, password));
  }
  return responses;
};

beforeAll(async () => {
  system = await startE2eSystem({ env: SECURITY_ENV, services: [...SERVICES_WITHOUT_SAGA] });
  api = new PlinthApi(system.gatewayUrl);
  const port = await freePort();
  replicaB = new ServiceProcess('gateway', port, { ...system.env, PORT: String(port) });
  replicaB.start();
  await replicaB.waitUntilReady(150_000);
  apiB = new PlinthApi(replicaB.url);
  [alice, bob, carol] = await Promise.all([api.register('alice'), api.register('bob'), api.register('carol')]);
  for (const user of [alice, bob, carol]) remember(user.tokens);
  secrets.add(STRONG_PASSWORD);
  secrets.add(ADMIN.password);
  admin = remember(await api.login(ADMIN.email, ADMIN.password));
  aliceOrder = await api.createOrder(alice.tokens.accessToken);
}, SYSTEM_START_TIMEOUT_MS);

afterAll(async () => {
  await replicaB?.stop();
  await stopE2eSystem(system, 'security', SERVICES_WITHOUT_SAGA);
}, 60_000);

describe('edge: headers and CORS', () => {
  it('sends HSTS, nosniff, frame-deny, a framing-free CSP, no-store and no X-Powered-By', async () => {
    const res = await api.get('/v1/users/me', alice.tokens.accessToken);
    expectStatus(res, 200, 'me');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('grants CORS to the configured origin only, never a wildcard', async () => {
    const preflight = (origin: string) =>
      api.call('OPTIONS', '/v1/orders').set('origin', origin).set('access-control-request-method', 'POST');
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    const foreign = await preflight('https://evil.example.net');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

describe('edge: input', () => {
  it('refuses a body over the limit with 413 and a non-JSON body with 415', async () => {
    const big = await api.post('/v1/orders', { currency: 'EUR', items: [], padding: 'x'.repeat(120 * 1024) }, alice.tokens.accessToken);
    expectProblem(big, 413, 'HTTP.PAYLOAD_TOO_LARGE');
    const xml = await api.post('/v1/auth/login').set('content-type', 'application/xml').send('<login/>');
    expectProblem(xml, 415, 'HTTP.UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses mass assignment of roles: at registration, on the own profile, over the roles route', async () => {
    expectValidationProblem(
      await api.post('/v1/auth/register', { email: uniqueEmail('mass'), password: STRONG_PASSWORD, displayName: 'M', roles: ['admin'] }),
      'roles',
    );
    expectValidationProblem(await api.patch('/v1/users/me', { displayName: 'A', roles: ['admin'] }, alice.tokens.accessToken), 'roles');
    const self = await api.put(`/v1/users/${alice.id}/roles`, { roles: ['admin'] }, alice.tokens.accessToken);
    expectProblem(self, 403, 'COMMON.FORBIDDEN');
    const refreshed = remember((await api.post('/v1/auth/refresh', { refreshToken: alice.tokens.refreshToken })).body as TokenPair);
    expect(claimsOf(refreshed.accessToken).roles).toEqual(['user']);
  });

  it('validates ids and filters before any service sees them (injection attempts are 400)', async () => {
    const token = bob.tokens.accessToken;
    expectProblem(await api.get(`/v1/orders/${encodeURIComponent("1' OR '1'='1")}`, token), 400, 'COMMON.VALIDATION_FAILED');
    expectValidationProblem(await api.get(`/v1/orders?status=${encodeURIComponent("pending' OR 1=1--")}`, token), 'status');
    expectValidationProblem(await api.get(`/v1/orders?userId=${encodeURIComponent("x' UNION SELECT 1--")}`, token), 'userId');
    expectValidationProblem(await login(api, "admin@example.com' OR '1'='1", 'x'), 'email');
  });
});

describe('passwords', () => {
  it.each([
    ['a breached password of policy length', '1qaz2wsx3edc'],
    ['a common password in another case', 'QWERTY123456'],
    ['11 characters', 'k9#mV2!qLp0'],
    ['129 characters', 'k'.repeat(129)],
  ])('refuses %s at registration with a password field error', async (_case, password) => {
    const res = await from(api.post('/v1/auth/register', { email: uniqueEmail('pw'), password, displayName: 'P' }), freshAddress());
    expectValidationProblem(res, 'password');
  });
});

describe('login brute force and enumeration', () => {
  const comparable = (res: ApiResponse) => ({ status: res.status, code: res.body.code, detail: res.body.detail, title: res.body.title });

  it('answers an unknown email and a wrong password identically, in similar time', async () => {
    const unknown = uniqueEmail('nobody');
    const timings = { unknown: [] as number[], wrong: [] as number[] };
    for (let round = 0; round < 4; round++) {
      for (const [kind, email] of [['unknown', unknown], ['wrong', bob.email]] as const) {
        const started = performance.now();
        const res = await login(api, email, 'not the password at all');
        timings[kind].push(performance.now() - started);
        expect(comparable(res)).toEqual({ status: 401, code: 'AUTH.INVALID_CREDENTIALS', detail: 'Email or password is incorrect', title: expect.any(String) });
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const ratio = median(timings.unknown) / median(timings.wrong);
    // Without the dummy argon2 verification an unknown email answers ~10x faster.
    expect(ratio, JSON.stringify(timings)).toBeGreaterThan(0.5);
    expect(ratio, JSON.stringify(timings)).toBeLessThan(2);
  });

  it('locks an account after too many logins from many addresses, even for the right password, with Retry-After', async () => {
    const victim = await api.register('victim');
    for (const res of await pacedLogins(victim.email, 'a wrong guess', LIMITS.loginsPerAccount)) expectProblem(res, 401, 'AUTH.INVALID_CREDENTIALS');
    const locked = await login(api, victim.email, victim.password);
    expectProblem(locked, 429, 'COMMON.RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(LIMITS.lockoutSeconds - 10);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(LIMITS.lockoutSeconds);
    // The lockout lives in Redis: the other replica refuses the account too.
    expectProblem(await login(apiB, victim.email, victim.password), 429, 'COMMON.RATE_LIMITED');
  });

  it('locks an unknown email exactly like an existing one, so a lockout reveals nothing', async () => {
    const ghost = uniqueEmail('ghost');
    const victim = await api.register('victim2');
    const [ghostAttempts] = await Promise.all([
      pacedLogins(ghost, 'whatever it is', LIMITS.loginsPerAccount),
      pacedLogins(victim.email, 'whatever it is', LIMITS.loginsPerAccount),
    ]);
    for (const res of ghostAttempts) expectProblem(res, 401, 'AUTH.INVALID_CREDENTIALS');
    const lockedGhost = await login(api, ghost, 'whatever it is');
    const lockedVictim = await login(api, victim.email, 'whatever it is');
    expect(comparable(lockedGhost)).toEqual(comparable(lockedVictim));
    expect(lockedGhost.status).toBe(429);
  });

  it('slows an account down after 3 failed logins with a growing delay (429 + Retry-After), on both replicas, identically for an unknown email', async () => {
    const victim = await api.register('paced');
    const ghost = uniqueEmail('paced-ghost');
    const observe = async (email: string) => {
      const seen: [number, string, string | undefined][] = [];
      const note = (res: ApiResponse) => seen.push([res.status, res.body.code, res.headers['retry-after']]);
      for (let attempt = 0; attempt < LIMITS.freeLoginFailures + 1; attempt++) note(await login(api, email, 'not the password'));
      note(await login(api, email, 'not the password'));
      note(await login(apiB, email, 'not the password'));
      await sleep(LIMITS.loginDelayBaseSeconds * 1000 + 150);
      note(await login(apiB, email, 'not the password'));
      const last = await login(api, email, 'not the password');
      note(last);
      return { seen, last };
    };
    const [forVictim, forGhost] = await Promise.all([observe(victim.email), observe(ghost)]);
    const free: [number, string, string | undefined] = [401, 'AUTH.INVALID_CREDENTIALS', undefined];
    expect(forVictim.seen).toEqual([
      free, free, free, free,
      [429, 'COMMON.RATE_LIMITED', '1'], [429, 'COMMON.RATE_LIMITED', '1'],
      free,
      [429, 'COMMON.RATE_LIMITED', '2'],
    ]);
    expect(forGhost.seen).toEqual(forVictim.seen);
    expect(comparable(forGhost.last)).toEqual(comparable(forVictim.last));
  });

  it('forgets an account\'s failed logins after a successful one', async () => {
    const user = await api.register('forgiven');
    for (const res of await pacedLogins(user.email, 'not the password', LIMITS.freeLoginFailures)) expectProblem(res, 401, 'AUTH.INVALID_CREDENTIALS');
    const ok = await login(api, user.email, user.password);
    expectStatus(ok, 200, 'the right password');
    remember(ok.body as TokenPair);
    for (let attempt = 0; attempt < LIMITS.freeLoginFailures + 1; attempt++) expectProblem(await login(api, user.email, 'not the password'), 401, 'AUTH.INVALID_CREDENTIALS');
  });

  it('limits credential requests per client address across accounts, and the count is shared by both replicas', async () => {
    const address = freshAddress();
    for (let attempt = 0; attempt < LIMITS.credentialPerMinute; attempt++) {
      const target = attempt % 2 === 0 ? api : apiB;
      expectProblem(await login(target, uniqueEmail('spray'), 'password spraying', address), 401, 'AUTH.INVALID_CREDENTIALS');
    }
    const refused = await login(api, uniqueEmail('spray'), 'password spraying', address);
    expectProblem(refused, 429, 'COMMON.RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('rate limits', () => {
  it('counts one client against one budget on every replica and answers 429 with Retry-After and RateLimit-* headers', async () => {
    const address = freshAddress();
    let last: ApiResponse | undefined;
    for (let hit = 0; hit < LIMITS.perMinute; hit++) {
      last = await from((hit % 2 === 0 ? api : apiB).get('/v1/users/me', bob.tokens.accessToken), address);
      expectStatus(last, 200, `request ${hit + 1}`);
    }
    expect(last?.headers['ratelimit-limit']).toBe(String(LIMITS.perMinute));
    expect(last?.headers['ratelimit-remaining']).toBe('0');
    expect(Number(last?.headers['ratelimit-reset'])).toBeGreaterThan(0);
    const refused = await from(api.get('/v1/users/me', bob.tokens.accessToken), address);
    expectProblem(refused, 429, 'COMMON.RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expectProblem(await from(apiB.get('/v1/users/me', bob.tokens.accessToken), address), 429, 'COMMON.RATE_LIMITED');
  });
});

describe('rate limits per user', () => {
  it('limits one user\'s writes whatever address they come from, without touching other users', async () => {
    const writer = await api.register('writer');
    for (let write = 0; write < LIMITS.writesPerMinute; write++) {
      expectStatus(await from(api.patch('/v1/users/me', { displayName: `Writer ${write}` }, writer.tokens.accessToken), freshAddress()), 200, `write ${write + 1}`);
    }
    const refused = await from(api.patch('/v1/users/me', { displayName: 'One too many' }, writer.tokens.accessToken), freshAddress());
    expectProblem(refused, 429, 'COMMON.RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expectStatus(await apiB.get('/v1/users/me', writer.tokens.accessToken), 200, 'reads stay open');
    expectStatus(await api.patch('/v1/users/me', { displayName: 'Carol' }, carol.tokens.accessToken), 200, 'another user writes');
  });
});

describe('server timeouts and saturation', () => {
  const port = (url: string) => Number(new URL(url).port);

  it('cuts off a slow-loris client that trickles its headers (408 problem+json, connection closed)', async () => {
    const started = Date.now();
    const { firstLine, body, closedAfterMs } = await new Promise<{ firstLine: string; body: string; closedAfterMs: number }>((resolve) => {
      let received = '';
      const socket = connectTcp(port(system.gatewayUrl), '127.0.0.1', () => socket.write('GET /v1/users/me HTTP/1.1\r\nHost: gateway\r\n'));
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 300);
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ firstLine: received.split('\r\n')[0] ?? '', body: received.slice(received.indexOf('\r\n\r\n') + 4), closedAfterMs: Date.now() - started });
      });
    });
    expect(firstLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(JSON.parse(body)).toMatchObject({ status: 408, code: 'HTTP.REQUEST_TIMEOUT' });
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('sheds load with 503 + Retry-After when saturated, keeps probes alive, and recovers', async () => {
    const held: Socket[] = [];
    try {
      const sent: Promise<void>[] = [];
      for (let i = 0; i < LIMITS.maxInFlight; i++) {
        const socket = connectTcp(port(system.gatewayUrl), '127.0.0.1');
        socket.on('error', () => undefined);
        // Headers complete, body never finished: each request stays in flight.
        sent.push(new Promise((resolve) => socket.write(`POST /v1/auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Forwarded-For: ${freshAddress()}\r\n\r\n{`, () => resolve())));
        held.push(socket);
      }
      // The probes below reuse a kept-alive connection, so one sent at once can reach the gateway before the held
      // requests have and take one of their slots (that held request is refused and never counts again): let every
      // held request arrive first.
      await Promise.all(sent);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const busy = await eventually(async () => {
        const res = await api.get('/v1/users/me', bob.tokens.accessToken);
        return res.status === 503 ? res : undefined;
      }, { timeoutMs: 3_000, intervalMs: 50, description: 'a 503 while saturated' });
      expectProblem(busy, 503, 'COMMON.UNAVAILABLE');
      expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
      expectStatus(await api.get('/healthz'), 200, 'liveness while saturated');
    } finally {
      for (const socket of held) socket.destroy();
    }
    await eventually(async () => ((await api.get('/v1/users/me', bob.tokens.accessToken)).status === 200 ? true : undefined), {
      timeoutMs: 5_000, description: 'recovery after the held requests closed',
    });
  });
});

const authKeyRows = (): { kid: string; privateJwk: JWK }[] =>
  execFileSync('psql', [system.databaseUrlOf('auth'), '-Atc', "select kid || ' ' || private_key from signing_keys order by created_at"], { encoding: 'utf8' })
    .trim().split('\n').map((line) => {
      const [kid, ...rest] = line.split(' ');
      return { kid: kid ?? '', privateJwk: JSON.parse(rest.join(' ')) as JWK };
    });

/** A token signed with auth's REAL current key but with claims of the attacker's choosing. */
const signedWithRealKey = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> => {
  const rows = authKeyRows();
  const { kid, privateJwk } = rows[rows.length - 1] ?? { kid: '', privateJwk: {} };
  const key = await importJWK(privateJwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: alice.id, sid: randomUUID(), roles: ['user'], iss: 'plinth-auth', aud: 'plinth', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid, ...header })
    .sign(key);
};

describe('tokens', () => {
  it('refuses every forged or misused access token with 401', async () => {
    const genuine = alice.tokens.accessToken;
    const { kid } = JSON.parse(Buffer.from(genuine.split('.')[0] ?? '', 'base64url').toString()) as { kid: string };
    const jwks = authKeyRows().map((row) => ({ ...row.privateJwk, d: undefined }));
    const hs256WithPublicKey = await new SignJWT({ ...claimsOf(genuine), roles: ['user', 'admin'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
      .sign(new TextEncoder().encode(JSON.stringify(jwks[0])));
    const now = Math.floor(Date.now() / 1000);
    const attacks: [string, string][] = [
      ['alg none', unsigned(genuine)],
      ['tampered payload (admin role)', withEscalatedClaims(genuine)],
      ['a foreign key under the genuine kid', await signedWithForeignKey(genuine)],
      ['HS256 keyed with the public key', hs256WithPublicKey],
      ['an unknown kid', await signedWithRealKey({}, { kid: 'not-a-published-kid' })],
      ['a wrong issuer', await signedWithRealKey({ iss: 'https://evil.example.net' })],
      ['a wrong audience', await signedWithRealKey({ aud: 'someone-else' })],
      ['an expired token', await signedWithRealKey({ iat: now - 3_600, exp: now - 600 })],
      ['a not-yet-valid token', await signedWithRealKey({ nbf: now + 600 })],
      ['no expiry at all', await signedWithRealKey({ exp: undefined })],
      ['a garbage token', 'definitely.not.a-jwt'],
    ];
    for (const [attack, token] of attacks) {
      const res = await api.get('/v1/users/me', token);
      expect([attack, res.status, res.body.code]).toEqual([attack, 401, 'COMMON.UNAUTHENTICATED']);
    }
    // The control: auth's real key with honest claims is accepted, so the refusals above are about the attack.
    expectStatus(await api.get('/v1/users/me', await signedWithRealKey({})), 200, 'control token');
  });

  it('rotates the signing key on command: new tokens use the new kid, old tokens keep verifying on every replica', async () => {
    const oldToken = alice.tokens.accessToken;
    const oldKid = (JSON.parse(Buffer.from(oldToken.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
    const output = execFileSync(process.execPath, [join(workspaceRoot(), 'apps/auth/dist/rotate-signing-key.js')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: system.databaseUrlOf('auth'), SIGNING_KEY_PREPUBLISH_SECONDS: '2', LOG_LEVEL: 'warn' },
    });
    const newKid = /new signing key (\S+):/.exec(output)?.[1];
    expect(newKid).toBeDefined();
    expect(newKid).not.toBe(oldKid);
    let refreshToken = carol.tokens.refreshToken;
    const fresh = await eventually(async () => {
      const res = await from(api.post('/v1/auth/refresh', { refreshToken }), freshAddress());
      expectStatus(res, 200, 'refresh');
      const pair = remember(res.body as TokenPair);
      refreshToken = pair.refreshToken;
      const { kid } = JSON.parse(Buffer.from(pair.accessToken.split('.')[0] ?? '', 'base64url').toString()) as { kid: string };
      return kid === newKid ? pair : undefined;
    }, { timeoutMs: 20_000, intervalMs: 500, description: 'a token signed with the new key' });
    carol = { ...carol, tokens: fresh };
    for (const gateway of [api, apiB]) {
      expectStatus(await gateway.get('/v1/users/me', fresh.accessToken), 200, 'token of the new key');
      expectStatus(await gateway.get('/v1/users/me', oldToken), 200, 'token of the old key');
    }
  });
});

describe('sessions and roles', () => {
  it('admin "revoke all sessions" refuses the user\'s access tokens at every replica within a second', async () => {
    const victim = await api.register('revoked');
    const second = remember(await api.login(victim.email, victim.password));
    const res = await api.post(`/v1/users/${victim.id}/sessions/revoke`, undefined, admin.accessToken);
    expectStatus(res, 200, 'revoke all sessions');
    expect(res.body).toEqual({ revokedSessions: 2 });
    // Each replica and session is watched at once: the bound is on when each refuses, not on the sum of polls.
    const started = Date.now();
    const refusedAfterMs = await Promise.all([api, apiB].flatMap((gateway) =>
      [victim.tokens.accessToken, second.accessToken].map(async (token) => {
        await eventually(async () => ((await gateway.get('/v1/users/me', token)).status === 401 ? true : undefined), {
          timeoutMs: 1_000, intervalMs: 25, description: 'the revoked session refused',
        });
        return Date.now() - started;
      })));
    for (const elapsed of refusedAfterMs) expect(elapsed).toBeLessThan(1_000);
    expectProblem(await api.get('/v1/users/me', second.accessToken), 401, 'AUTH.SESSION_REVOKED');
    expectProblem(await api.post('/v1/auth/refresh', { refreshToken: second.refreshToken }), 401, 'AUTH.SESSION_REVOKED');
  });

  it('refuses the revoke and roles routes to non-admins and validates the roles body', async () => {
    expectProblem(await api.post(`/v1/users/${bob.id}/sessions/revoke`, undefined, alice.tokens.accessToken), 403, 'COMMON.FORBIDDEN');
    const put = (userId: string, body: object, token: string) =>
      api.put(`/v1/users/${userId}/roles`, body, token);
    expectProblem(await put(bob.id, { roles: ['admin'] }, alice.tokens.accessToken), 403, 'COMMON.FORBIDDEN');
    expectProblem(await put(bob.id, { roles: ['root'] }, admin.accessToken), 400, 'COMMON.VALIDATION_FAILED');
    expectValidationProblem(await put(bob.id, { roles: ['user'], sub: alice.id }, admin.accessToken), 'sub');
    const adminId = claimsOf(admin.accessToken).sub;
    expectProblem(await put(adminId, { roles: ['user'] }, admin.accessToken), 403, 'COMMON.FORBIDDEN');
  });

  it('a role granted by an admin applies from the next refresh; the old token is refused', async () => {
    const put = (roles: string[]) =>
      api.put(`/v1/users/${bob.id}/roles`, { roles }, admin.accessToken);
    const granted = await put(['user', 'admin']);
    expectStatus(granted, 200, 'grant admin');
    expect(granted.body).toMatchObject({ id: bob.id, roles: ['user', 'admin'] });
    await eventually(async () => ((await api.get('/v1/users/me', bob.tokens.accessToken)).status === 401 ? true : undefined), {
      timeoutMs: 5_000, description: 'the pre-grant token refused',
    });
    const refreshed = remember((await api.post('/v1/auth/refresh', { refreshToken: bob.tokens.refreshToken })).body as TokenPair);
    expect(claimsOf(refreshed.accessToken).roles).toEqual(['user', 'admin']);
    expectStatus(await api.get('/v1/users', refreshed.accessToken), 200, 'admin list with the refreshed token');
    expectStatus(await put(['user']), 200, 'revoke admin');
    bob = { ...bob, tokens: remember((await api.post('/v1/auth/refresh', { refreshToken: refreshed.refreshToken })).body as TokenPair) };
    expect(claimsOf(bob.tokens.accessToken).roles).toEqual(['user']);
    expectProblem(await api.get('/v1/users', bob.tokens.accessToken), 403, 'COMMON.FORBIDDEN');
  });
});

describe('object-level authorization', () => {
  it('answers 404 for another user\'s order and for a random id alike (read, cancel)', async () => {
    const foreign = await api.get(`/v1/orders/${aliceOrder.id}`, carol.tokens.accessToken);
    const randomId = randomUUID();
    const random = await api.get(`/v1/orders/${randomId}`, carol.tokens.accessToken);
    expectProblem(foreign, 404, 'ORDERS.NOT_FOUND');
    expectProblem(random, 404, 'ORDERS.NOT_FOUND');
    expect(foreign.body.detail.replace(aliceOrder.id, '<id>')).toBe(random.body.detail.replace(randomId, '<id>'));
    expectProblem(await api.post(`/v1/orders/${aliceOrder.id}/cancel`, undefined, carol.tokens.accessToken), 404, 'ORDERS.NOT_FOUND');
    expectProblem(await api.get(`/v1/orders?userId=${alice.id}`, carol.tokens.accessToken), 403, 'COMMON.FORBIDDEN');
  });

  it('answers 404 when marking another user\'s notification read', async () => {
    const notification = await eventually(async () => (await api.listNotifications(alice.tokens.accessToken)).items[0], {
      description: 'a notification for alice',
    });
    expectProblem(await api.post(`/v1/notifications/${notification.id}/read`, undefined, carol.tokens.accessToken), 404, 'NOTIFICATIONS.NOT_FOUND');
    expect((await api.listNotifications(alice.tokens.accessToken)).items.find((n) => n.id === notification.id)?.read).toBe(false);
  });
});

describe('inside: messages forged straight onto RabbitMQ', () => {
  /** `accessToken` goes where the gateway puts the caller's token. */
  const forgedRpc = (pattern: string, payload: object, accessToken?: string): Promise<ForgedRpcReply> =>
    forgedRpcAsGateway(system.env.RABBITMQ_URL ?? '', pattern, payload, accessToken === undefined ? {} : { 'x-access-token': accessToken });

  const actorOf = (user: RegisteredUser) => ({ userId: user.id, roles: ['user'] });
  const carolsOwnToken = () => carol.tokens.accessToken;

  /** Owner-only actions on alice's things, and how to tell through the gateway that none of them happened. */
  interface Victim {
    order: OrderView;
    notificationId: string;
    displayName: string;
  }
  let victim: Victim;
  const ownerOnlyActions = (actor: object): [string, string, object][] => [
    ['cancel her order', OrdersRpc.cancel, { actor, orderId: victim.order.id }],
    ['read her order', OrdersRpc.get, { actor, orderId: victim.order.id }],
    ['list her orders', OrdersRpc.list, { actor, limit: 10 }],
    ['rename her profile', UsersRpc.updateProfile, { actor, userId: alice.id, displayName: 'Owned by carol' }],
    ['read her profile', UsersRpc.getProfile, { actor, userId: alice.id }],
    ['mark her notification read', NotificationsRpc.markRead, { actor, notificationId: victim.notificationId }],
    ['list her notifications', NotificationsRpc.list, { actor, limit: 10 }],
  ];
  const expectAliceUntouched = async () => {
    const order = await api.get(`/v1/orders/${victim.order.id}`, alice.tokens.accessToken);
    expect(order.body).toMatchObject({ status: 'pending', version: victim.order.version });
    expect((await api.get('/v1/users/me', alice.tokens.accessToken)).body.displayName).toBe(victim.displayName);
    expect((await api.listNotifications(alice.tokens.accessToken)).items.find((n) => n.id === victim.notificationId)?.read).toBe(false);
  };
  const expectAllRefused = async (label: string, accessToken: string | undefined, actor: object, code: string) => {
    for (const [action, pattern, payload] of ownerOnlyActions(actor)) {
      const reply = await forgedRpc(pattern, payload, accessToken);
      expect([label, action, reply.ok, reply.error?.code]).toEqual([label, action, false, code]);
      expect(reply.data).toBeUndefined();
    }
  };

  beforeAll(async () => {
    const order = await api.createOrder(alice.tokens.accessToken);
    const notification = await eventually(async () => (await api.listNotifications(alice.tokens.accessToken)).items.find((n) => !n.read), {
      description: 'an unread notification for alice',
    });
    victim = { order, notificationId: notification.id, displayName: (await api.get('/v1/users/me', alice.tokens.accessToken)).body.displayName };
  });

  it('(a) refuses every owner-only action for alice sent without an access token (UNAUTHENTICATED), and nothing changes', async () => {
    await expectAllRefused('no token', undefined, actorOf(alice), 'COMMON.UNAUTHENTICATED');
    await expectAllRefused('empty token', '', actorOf(alice), 'COMMON.UNAUTHENTICATED');
    await expectAliceUntouched();
  });

  it('(b) refuses them with carol\'s own valid token but alice as the actor (FORBIDDEN), and nothing changes', async () => {
    await expectAllRefused('carol\'s token, alice\'s actor', carolsOwnToken(), actorOf(alice), 'COMMON.FORBIDDEN');
    // Nor may the actor claim roles the token does not carry: carol posing as an admin.
    const escalated = { userId: carol.id, roles: ['user', 'admin'] };
    const status = await forgedRpc(OrdersRpc.changeStatus, { actor: escalated, orderId: victim.order.id, status: 'confirmed' }, carolsOwnToken());
    expect(status).toMatchObject({ ok: false, error: { code: 'COMMON.FORBIDDEN' } });
    const roles = await forgedRpc(AuthRpc.setRoles, { actor: escalated, userId: carol.id, roles: ['user', 'admin'] }, carolsOwnToken());
    expect(roles).toMatchObject({ ok: false, error: { code: 'COMMON.FORBIDDEN' } });
    await expectAliceUntouched();
  });

  it('(c) refuses them with a token of alice that is forged, tampered, unsigned, expired or for another audience (UNAUTHENTICATED), and nothing changes', async () => {
    const now = Math.floor(Date.now() / 1000);
    const genuine = alice.tokens.accessToken;
    const attacks: [string, string][] = [
      ['signed by a foreign key under the genuine kid', await signedWithForeignKey(genuine)],
      ['tampered payload', withEscalatedClaims(genuine)],
      ['alg none', unsigned(genuine)],
      ['expired (auth\'s real key)', await signedWithRealKey({ sub: alice.id, iat: now - 3_600, exp: now - 600 })],
      ['wrong audience (auth\'s real key)', await signedWithRealKey({ sub: alice.id, aud: 'someone-else' })],
      ['garbage', 'definitely.not.a-jwt'],
    ];
    for (const [attack, token] of attacks) await expectAllRefused(attack, token, actorOf(alice), 'COMMON.UNAUTHENTICATED');
    await expectAliceUntouched();
  });

  it('the legitimate path through the gateway still works: alice reads, renames and cancels her own things', async () => {
    expectStatus(await api.get(`/v1/orders/${victim.order.id}`, alice.tokens.accessToken), 200, 'own order');
    const renamed = await api.patch('/v1/users/me', { displayName: 'Alice Again' }, alice.tokens.accessToken);
    expect(renamed.body.displayName).toBe('Alice Again');
    expectStatus(await api.post(`/v1/notifications/${victim.notificationId}/read`, undefined, alice.tokens.accessToken), 200, 'own notification');
    const cancelled = await api.post(`/v1/orders/${victim.order.id}/cancel`, undefined, alice.tokens.accessToken);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
  });

  it('with the forger\'s own valid token, a cancel of another user\'s order is refused by orders (NOT_FOUND)', async () => {
    const reply = await forgedRpc(OrdersRpc.cancel, { actor: actorOf(carol), orderId: aliceOrder.id }, carolsOwnToken());
    expect(reply).toMatchObject({ ok: false, error: { code: 'ORDERS.NOT_FOUND' } });
    expect((await api.get(`/v1/orders/${aliceOrder.id}`, alice.tokens.accessToken)).body.status).toBe('pending');
  });

  it('with a valid token, a request without an actor or with extra fields is refused by validation, a malformed actor as not the bearer', async () => {
    for (const [payload, code] of [
      [{ orderId: aliceOrder.id }, 'COMMON.VALIDATION_FAILED'],
      [{ actor: actorOf(carol), orderId: aliceOrder.id, status: 'cancelled', userId: alice.id }, 'COMMON.VALIDATION_FAILED'],
      [{ actor: { userId: 'not-a-uuid', roles: ['user'] }, orderId: aliceOrder.id }, 'COMMON.FORBIDDEN'],
      [{ actor: { userId: carol.id, roles: ['root'] }, orderId: aliceOrder.id }, 'COMMON.FORBIDDEN'],
    ] as const) {
      expect(await forgedRpc(OrdersRpc.cancel, payload, carolsOwnToken())).toMatchObject({ ok: false, error: { code } });
    }
  });

  it('auth re-checks admin rights itself: carol, with her own valid token, cannot set roles or revoke sessions', async () => {
    const actor = actorOf(carol);
    // A well-formed request (the security trail's client context included), so what refuses it is the rights check.
    const client = { address: '127.0.0.1', userAgent: 'forger' };
    expect(await forgedRpc(AuthRpc.setRoles, { actor, userId: carol.id, client, roles: ['user', 'admin'] }, carolsOwnToken())).toMatchObject({ ok: false, error: { code: 'COMMON.FORBIDDEN' } });
    expect(await forgedRpc(AuthRpc.revokeUserSessions, { actor, userId: alice.id, client }, carolsOwnToken())).toMatchObject({ ok: false, error: { code: 'COMMON.FORBIDDEN' } });
  });
});

describe('errors and logs leak nothing', () => {
  it('problem bodies carry no stack trace, SQL, host or service name', async () => {
    const responses = [
      await api.get(`/v1/orders/${randomUUID()}`, alice.tokens.accessToken),
      await api.post('/v1/auth/register').set('content-type', 'application/json').send('{"email": '),
      await api.get(`/v1/orders?cursor=${encodeURIComponent("' OR 1=1 --")}`, alice.tokens.accessToken),
    ];
    for (const res of responses) {
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/\bat \S+ \(|node_modules|select |insert |postgres|amqp|127\.0\.0\.1|localhost|orders service|\.ts:\d+/i);
    }
  });

  it('no service logged a password, access token or refresh token of this run', () => {
    const logs: [string, string][] = [
      ...(['gateway', 'auth', 'users', 'orders', 'notifications'] as const).map((service): [string, string] => [service, system.logs(service)]),
      ['gateway (replica B)', replicaB.logs()],
    ];
    expect(logs.every(([, text]) => text.length > 0)).toBe(true);
    expect(secrets.size).toBeGreaterThan(10);
    for (const [service, text] of logs) {
      for (const secret of secrets) expect(text.includes(secret), `${service} logged a secret (${secret.slice(0, 12)}…)`).toBe(false);
      // Only the signature part of a JWT makes it a token; its payload alone is not secret.
      expect(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20,}/.test(text), `${service} logged something shaped like a signed JWT`).toBe(false);
    }
  });
});
