// Sends fuzz requests to a running gateway with a deadline each, and keeps the fuzzer's users logged in.
import type { TokenPair } from '@plinth/contracts';
import type { CallerIdentity, Observation } from './fuzz-oracle.js';
import type { ActorName, FuzzRequest } from './request-arbitrary.js';

/** A request that gets no answer within this is a hang. The gateway's own RPC deadline is 5 s. */
export const REQUEST_TIMEOUT_MS = 10_000;

// A well-formed JWT no key of this system signed.
const FORGED_TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImZ1enoifQ.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDAiLCJyb2xlcyI6WyJhZG1pbiJdfQ.c2lnbmF0dXJl';

export interface FuzzActor {
  email: string;
  password: string;
  id: string;
  tokens: TokenPair;
}

const claimsOf = (accessToken: string): { sub?: string; roles?: string[] } => {
  try {
    return JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
};

export class FuzzClient {
  /** Requests sent on the fuzzer's behalf (logins to stay logged in), not counted as fuzz requests. */
  housekeepingRequests = 0;

  constructor(
    readonly baseUrl: string,
    readonly actors: Record<ActorName, FuzzActor>,
  ) {}

  identityOf(request: FuzzRequest): CallerIdentity {
    if (request.caller === 'anonymous' || request.caller === 'forged') return { roles: [] };
    const claims = claimsOf(this.actors[request.caller].tokens.accessToken);
    return { userId: claims.sub, roles: claims.roles ?? [] };
  }

  async send(request: FuzzRequest): Promise<Observation> {
    const headers: Record<string, string> = { ...request.headers };
    const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
    if (!hasAuthorization && request.caller === 'forged') headers.authorization = `Bearer ${FORGED_TOKEN}`;
    if (!hasAuthorization && request.caller !== 'anonymous' && request.caller !== 'forged') headers.authorization = `Bearer ${this.actors[request.caller].tokens.accessToken}`;
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${request.url}`, {
        method: request.method,
        headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      // An event stream never ends by itself: its status and headers are the answer.
      const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
      const text = isStream ? '' : await response.text();
      if (isStream) await response.body?.cancel();
      return { status: response.status, headers: response.headers, text, elapsedMs: performance.now() - started };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
      return { status: 0, headers: new Headers(), text: '', failure: reason, elapsedMs: performance.now() - started };
    }
  }

  /**
   * Logs the actor in again when its access token no longer works (the fuzzer may have logged it out, changed its
   * roles, ended its session or disabled the account — the last one is undone with the admin's token first).
   */
  async keepLoggedIn(name: ActorName): Promise<void> {
    const actor = this.actors[name];
    this.housekeepingRequests += 1;
    const probe = await fetch(`${this.baseUrl}/v1/users/me`, { headers: { authorization: `Bearer ${actor.tokens.accessToken}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await probe.arrayBuffer();
    if (probe.status !== 401) return;
    // A few attempts: on a saturated machine one login (argon2) may miss the gateway's RPC deadline.
    let last = '';
    for (let attempt = 0; attempt < 3; attempt += 1) {
      this.housekeepingRequests += 1;
      const login = await fetch(`${this.baseUrl}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: actor.email, password: actor.password }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (login.status === 200) {
        actor.tokens = (await login.json()) as TokenPair;
        return;
      }
      last = `${login.status} ${await login.text()}`;
      if (login.status === 403 && last.includes('AUTH.ACCOUNT_DISABLED') && name !== 'admin') await this.enable(actor);
    }
    throw new Error(`could not log ${name} in again: ${last}`);
  }

  private async enable(actor: FuzzActor): Promise<void> {
    await this.keepLoggedIn('admin');
    this.housekeepingRequests += 1;
    const enabled = await fetch(`${this.baseUrl}/v1/users/${actor.id}/enable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.actors.admin.tokens.accessToken}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await enabled.arrayBuffer();
  }
}
