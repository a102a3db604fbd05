import { describe, expect, it } from 'vitest';
import { toBrokerPermissions, type TopicPermission } from './broker-permissions.js';
import { defaultTopology } from './topology.js';
import { declareTopology } from './topology-declarations.js';

describe('toBrokerPermissions (the production topology)', () => {
  const topology = defaultTopology();
  const topicOn = (permissions: { topics: TopicPermission[] }, exchange: string) => permissions.topics.find((topic) => topic.exchange === exchange);
  const matches = (regex: string, name: string) => new RegExp(regex).test(name);

  it('gives the gateway its broadcast and reply queues, requests to every service, no event publishing', () => {
    const gateway = toBrokerPermissions(topology, 'gateway');
    expect(gateway).toMatchObject({
      configure: '^(gateway\\.broadcast\\..+|gateway\\.replies\\.[^.]+)$',
      write: '^(plinth\\.rpc|gateway\\.broadcast\\..+|gateway\\.replies\\.[^.]+)$',
      read: '^(gateway\\.broadcast\\..+|gateway\\.replies\\.[^.]+|plinth\\.events|plinth\\.rpc\\.replies)$',
    });
    expect(topicOn(gateway, 'plinth.events')).toEqual({
      exchange: 'plinth.events',
      write: '^$',
      read: '^(auth\\.session\\.revoked|auth\\.roles\\.changed|notifications\\.notification\\.created|catalog\\.product\\.created|catalog\\.product\\.updated|catalog\\.stock\\.reserved|catalog\\.stock\\.released)$',
    });
    expect(topicOn(gateway, 'plinth.rpc')?.write).toBe('^(auth\\..+|users\\..+|orders\\..+|notifications\\..+|catalog\\..+)$');
  });

  it('says something on every exchange the topology declares (a missing topic permission would allow every key)', () => {
    const declared = declareTopology(topology, { retryDelaysMs: [], retryQueuesFor: 'all' }).exchanges.map((exchange) => exchange.name);
    expect(toBrokerPermissions(topology, 'orders').topics.map((topic) => topic.exchange)).toEqual(declared);
  });

  it('never grants the default exchange, which reaches any queue by name', () => {
    for (const service of ['gateway', 'auth', 'users', 'orders', 'notifications', 'catalog']) {
      expect(matches(toBrokerPermissions(topology, service).write, 'amq.default')).toBe(false);
    }
  });

  it('lets a service request only the services it calls and answer only its callers', () => {
    const users = toBrokerPermissions(topology, 'users');
    expect(topicOn(users, 'plinth.rpc')).toEqual({ exchange: 'plinth.rpc', write: '^(auth\\..+)$', read: '^(users\\.#)$' });
    const replies = topicOn(users, 'plinth.rpc.replies');
    expect(matches(replies?.write ?? '', 'gateway.replies.0b5e')).toBe(true);
    expect(matches(replies?.write ?? '', 'notifications.replies.0b5e')).toBe(true);
    expect(matches(replies?.write ?? '', 'orders.replies.0b5e')).toBe(false);
    expect(replies?.read).toBe('^(users\\.replies\\.[^.]+)$');
  });

  it('gives a durable consumer its queues, and moves of failed events into its own retry queues and DLQ only', () => {
    const users = toBrokerPermissions(topology, 'users');
    expect(users.configure).toBe('^(users\\.rpc|users\\.events|users\\.events\\.dlq|users\\.events\\.retry\\.\\d+|users\\.broadcast\\..+|users\\.replies\\.[^.]+)$');
    const moves = topicOn(users, 'plinth.events.moves');
    expect(matches(moves?.write ?? '', 'users.events.retry.2')).toBe(true);
    expect(matches(moves?.write ?? '', 'users.events.dlq')).toBe(true);
    expect(matches(moves?.write ?? '', 'orders.events.dlq')).toBe(false);
  });

  it('lets a publisher publish exactly its own event types', () => {
    const orders = toBrokerPermissions(topology, 'orders');
    expect(matches(orders.write, 'plinth.events')).toBe(true);
    expect(topicOn(orders, 'plinth.events')?.write).toBe('^(orders\\.order\\.created|orders\\.order\\.status-changed)$');
    expect(matches(orders.configure, 'users.rpc')).toBe(false);
    expect(matches(orders.configure, 'orders.rpc')).toBe(true);
  });

  it('gives a service the topology does not know nothing at all, saying so on every topic exchange', () => {
    const nothing = { write: '^$', read: '^$' };
    expect(toBrokerPermissions(topology, 'stranger')).toEqual({
      configure: '^$', write: '^$', read: '^$',
      topics: ['plinth.events', 'plinth.rpc', 'plinth.rpc.replies', 'plinth.events.moves'].map((exchange) => ({ exchange, ...nothing })),
    });
  });
});
