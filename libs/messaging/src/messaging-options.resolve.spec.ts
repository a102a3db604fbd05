import { describe, expect, it } from 'vitest';
import { resolveMessagingOptions } from './messaging-options.resolve.js';

describe('resolveMessagingOptions', () => {
  it('fills the documented defaults', () => {
    const options = resolveMessagingOptions({ serviceName: 'orders', url: 'amqp://localhost' });
    expect(options).toMatchObject({ rpcTimeoutMs: 5000, prefetch: 32, retry: { maxAttempts: 5, delaysMs: [1000, 5000, 15000, 30000] } });
    expect(options.topology.rpcServices).toContain('orders');
  });

  it('refuses retry settings that would break retry/DLQ behaviour', () => {
    expect(() => resolveMessagingOptions({ serviceName: 'x', url: 'amqp://h', retry: { maxAttempts: 0, delaysMs: [1] } })).toThrow(/maxAttempts/);
    expect(() => resolveMessagingOptions({ serviceName: 'x', url: 'amqp://h', retry: { maxAttempts: 3, delaysMs: [] } })).toThrow(/delaysMs/);
  });
});
