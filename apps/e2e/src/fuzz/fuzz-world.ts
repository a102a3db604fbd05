// The objects the fuzzer knows of in the running system, grown from the answers it gets.
import type { NotificationView, OrderView, Page, TokenPair } from '@plinth/contracts';
import type { FuzzActor } from './fuzz-client.js';
import type { Observation } from './fuzz-oracle.js';
import type { ActorName, FuzzRequest, FuzzWorld, Resource } from './request-arbitrary.js';

// Enough variety for the generators; bounded so a long run does not grow without end.
const POOL_LIMIT = 64;

const remember = <T>(pool: T[], value: T): void => {
  if (pool.includes(value)) return;
  pool.push(value);
  if (pool.length > POOL_LIMIT) pool.shift();
};

const jsonOf = (observation: Observation): unknown => {
  try {
    return JSON.parse(observation.text);
  } catch {
    return undefined;
  }
};

export class LiveFuzzWorld implements FuzzWorld {
  private readonly objects: Record<Resource, Record<'alice' | 'bob', string[]>> = {
    orders: { alice: [], bob: [] },
    notifications: { alice: [], bob: [] },
    users: { alice: [], bob: [] },
  };
  private readonly refreshTokenPool: string[] = [];
  private readonly cursorPool: string[] = [];

  constructor(private readonly actors: Record<ActorName, FuzzActor>) {
    this.objects.users.alice.push(actors.alice.id);
    this.objects.users.bob.push(actors.bob.id);
  }

  idsOf(resource: Resource, owner: ActorName): readonly string[] {
    return owner === 'admin' ? [] : this.objects[resource][owner];
  }

  credentials(): readonly { email: string; password: string }[] {
    return Object.values(this.actors).map(({ email, password }) => ({ email, password }));
  }

  refreshTokens(): readonly string[] {
    return this.refreshTokenPool;
  }

  cursors(): readonly string[] {
    return this.cursorPool;
  }

  addObject(resource: Resource, owner: 'alice' | 'bob', id: string): void {
    remember(this.objects[resource][owner], id);
  }

  /** Learns new orders, notifications, cursors and refresh tokens from a successful answer. */
  record(request: FuzzRequest, observation: Observation): void {
    if (observation.status < 200 || observation.status >= 300) return;
    const body = jsonOf(observation);
    if (body === null || typeof body !== 'object') return;
    const owner = request.caller === 'alice' || request.caller === 'bob' ? request.caller : undefined;
    if ('refreshToken' in body && typeof (body as TokenPair).refreshToken === 'string') remember(this.refreshTokenPool, (body as TokenPair).refreshToken);
    if (request.operation === 'POST /v1/orders' && owner) this.addObject('orders', owner, (body as OrderView).id);
    if ('nextCursor' in body && typeof (body as Page<unknown>).nextCursor === 'string') remember(this.cursorPool, (body as Page<unknown>).nextCursor as string);
    if (request.operation === 'GET /v1/notifications' && owner) {
      for (const notification of (body as Page<NotificationView>).items ?? []) this.addObject('notifications', owner, notification.id);
    }
  }
}
