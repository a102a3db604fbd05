// The whole system with production's identities: every service on its own broker user (permissions generated from
// the topology, declaring only its own queues) and, for its database, a runtime role without DDL — migrated first by
// `migrate` as the owner role, as the k8s Jobs do. A customer's path across RPC and events must still work.
import { isDeepStrictEqual } from 'node:util';
import { rabbitmqctl, rolesConnectedTo, serviceNames, type RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { expectStatus, PlinthApi, sampleOrder } from './support/plinth-api.js';

vi.setConfig({ testTimeout: 60_000 });

const databaseServices = ['auth', 'users', 'orders', 'notifications', 'catalog'] as const;

describe('least privilege, end to end', () => {
  let system: RunningSystem;
  let api: PlinthApi;

  beforeAll(async () => {
    system = await startE2eSystem({ narrowIdentities: true });
    api = new PlinthApi(system.gatewayUrl);
  }, SYSTEM_START_TIMEOUT_MS);

  afterAll(() => stopE2eSystem(system, 'least-privilege'), 60_000);

  it('connects every service to the broker as its own user and to its database as a role that owns nothing', async () => {
    const expected = new Set(serviceNames.map((service) => `${system.vhost}-${service}`));
    const connectedUsers = async () => new Set((await rabbitmqctl('list_connections', '-p', system.vhost, 'user', '--no-table-headers')).split('\n').filter(Boolean));
    // The harness's own guest connection (importing the definitions) may still be closing right after the start.
    await eventually(async () => (isDeepStrictEqual(await connectedUsers(), expected) ? true : undefined), { timeoutMs: 10_000, description: 'only the services\' own broker users connected' })
      .catch(() => undefined);
    expect(await connectedUsers()).toEqual(expected);
    for (const service of databaseServices) {
      const databaseName = new URL(system.databaseUrlOf(service)).pathname.slice(1);
      expect(await rolesConnectedTo(system.databaseUrlOf(service))).toEqual([`${databaseName}_app`]);
    }
  });

  it('serves a customer across services: registration and an order, each notified through events', async () => {
    const customer = await api.register('least-privilege');
    const created = await api.post('/v1/orders', sampleOrder(), customer.tokens.accessToken);
    expectStatus(created, 201, 'create order');
    const orderId = (created.body as { id: string }).id;
    await eventually(async () => {
      const types = (await api.listNotifications(customer.tokens.accessToken, '?limit=10')).items.map((n) => `${n.type}:${String((n.data as { orderId?: string }).orderId ?? '')}`);
      return types.includes('welcome:') && types.includes(`order.created:${orderId}`) ? types : undefined;
    }, { timeoutMs: 20_000, description: 'the welcome and order notifications' });
  });
});
