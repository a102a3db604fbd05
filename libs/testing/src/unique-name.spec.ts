import { describe, expect, it } from 'vitest';
import { assertTestName, uniqueTestName } from './unique-name.js';

describe('uniqueTestName', () => {
  it('builds plinth_<label>_test_<8 hex> from a sanitized label', () => {
    expect(uniqueTestName('Orders Relay!')).toMatch(/^plinth_orders_relay_test_[0-9a-f]{8}$/);
  });

  it('uses the requested separator for vhost names', () => {
    expect(uniqueTestName('e2e journey', '-')).toMatch(/^plinth-e2e-journey-test-[0-9a-f]{8}$/);
  });

  it('stays within the 63-character Postgres identifier limit for long labels', () => {
    expect(uniqueTestName('x'.repeat(200)).length).toBeLessThanOrEqual(63);
  });

  it('gives two calls with the same label different names', () => {
    expect(uniqueTestName('same')).not.toBe(uniqueTestName('same'));
  });
});

describe('assertTestName', () => {
  it('refuses to treat a name without "test" as disposable', () => {
    expect(() => assertTestName('plinth_orders')).toThrow(/Refusing to drop "plinth_orders"/);
  });
});
