import { readFileSync } from 'node:fs';
import * as messaging from '@plinth/messaging';
import { describe, expect, it } from 'vitest';
import { definitionsFile, renderDefinitions } from './rabbit-definitions.mjs';

describe('k8s/base/infra/rabbitmq/definitions.json', () => {
  it('is exactly what the @plinth/messaging topology produces (regenerate: node tools/deploy/rabbit-definitions.mjs)', () => {
    expect(readFileSync(definitionsFile, 'utf8')).toBe(renderDefinitions(messaging));
  });

  it('declares the events exchange, every RPC queue and each consumer\'s queue with its DLQ', () => {
    const definitions = JSON.parse(readFileSync(definitionsFile, 'utf8')) as { exchanges: { name: string }[]; queues: { name: string }[] };
    const queues = definitions.queues.map((queue) => queue.name);
    expect(definitions.exchanges.map((exchange) => exchange.name)).toContain('plinth.events');
    for (const service of ['auth', 'users', 'orders', 'notifications', 'catalog']) expect(queues).toContain(`${service}.rpc`);
    for (const consumer of ['users', 'notifications', 'orders', 'catalog']) expect(queues).toEqual(expect.arrayContaining([`${consumer}.events`, `${consumer}.events.dlq`, `${consumer}.events.retry.1`]));
  });

  it('limits every service\'s broker user to its part of the topology, with no password in the file', () => {
    const definitions = JSON.parse(readFileSync(definitionsFile, 'utf8')) as Required<messaging.RabbitDefinitions>;
    const topology = messaging.defaultTopology();
    expect(definitions).not.toHaveProperty('users');
    for (const service of messaging.servicesOf(topology)) {
      const { configure, write, read, topics } = messaging.toBrokerPermissions(topology, service);
      expect(definitions.permissions).toContainEqual({ user: `plinth-${service}`, vhost: '/', configure, write, read });
      for (const topic of topics) expect(definitions.topic_permissions).toContainEqual({ user: `plinth-${service}`, vhost: '/', ...topic });
    }
    expect(definitions.permissions.every((permission) => permission.configure !== '.*' && permission.write !== '.*' && permission.read !== '.*')).toBe(true);
    expect(definitions.permissions.some((permission) => new RegExp(permission.write).test('amq.default'))).toBe(false);
  });
});
