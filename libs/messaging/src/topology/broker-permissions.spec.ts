import { describe, expect, it } from 'vitest';
import { toBrokerPermissions } from './broker-permissions.js';
import { defaultTopology } from './topology.js';

describe('toBrokerPermissions (the production topology)', () => {
  const topology = defaultTopology();

  it('gives the gateway no queue but its broadcast queues, RPC through the default exchange, no event publishing', () => {
    expect(toBrokerPermissions(topology, 'gateway')).toEqual({
      configure: '^(gateway\\.broadcast\\..+)$',
      write: '^(amq\\.default|gateway\\.broadcast\\..+)$',
      read: '^(gateway\\.broadcast\\..+|plinth\\.events)$',
      events: {
        exchange: 'plinth.events',
        write: '^$',
        read: '^(auth\\.session\\.revoked|auth\\.roles\\.changed|notifications\\.notification\\.created|catalog\\.product\\.created|catalog\\.product\\.updated)$',
      },
    });
  });

  it('gives a durable consumer its RPC queue, events queue, DLQ and retry queues, and publishes none of its own events', () => {
    expect(toBrokerPermissions(topology, 'users')).toEqual({
      configure: '^(users\\.rpc|users\\.events|users\\.events\\.dlq|users\\.events\\.retry\\.\\d+|users\\.broadcast\\..+)$',
      write: '^(amq\\.default|users\\.events|users\\.broadcast\\..+)$',
      read: '^(users\\.rpc|users\\.events|users\\.broadcast\\..+|plinth\\.events)$',
      events: {
        exchange: 'plinth.events',
        write: '^$',
        read: '^(auth\\.user\\.registered|auth\\.email\\.verified|auth\\.session\\.revoked|auth\\.roles\\.changed)$',
      },
    });
  });

  it('lets a publisher publish exactly its own event types', () => {
    const orders = toBrokerPermissions(topology, 'orders');
    expect(orders.write).toBe('^(amq\\.default|plinth\\.events|orders\\.events|orders\\.broadcast\\..+)$');
    expect(orders.events.write).toBe('^(orders\\.order\\.created|orders\\.order\\.status-changed)$');
    expect(new RegExp(orders.configure).test('users.rpc')).toBe(false);
    expect(new RegExp(orders.configure).test('orders.rpc')).toBe(true);
  });

  it('gives a service the topology does not know nothing at all', () => {
    expect(toBrokerPermissions(topology, 'stranger')).toEqual({
      configure: '^$', write: '^$', read: '^$', events: { exchange: 'plinth.events', write: '^$', read: '^$' },
    });
  });
});
