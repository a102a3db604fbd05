import { describe, expect, it } from 'vitest';
import { canonicalJson, createOrderRequestHash } from './request-hash.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ z: true, y: null }, 2] })).toBe('{"a":[{"y":null,"z":true},2],"b":1}');
  });

  it('drops undefined members', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });
});

describe('createOrderRequestHash', () => {
  const body = { currency: 'EUR', items: [{ sku: 'A', quantity: 1, unitPrice: 100 }, { sku: 'B', quantity: 2, unitPrice: 5 }] };

  it('is the sha256 hex of the canonical body', () => {
    expect(createOrderRequestHash(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order or on fields outside the body', () => {
    const reordered = {
      items: [{ unitPrice: 100, quantity: 1, sku: 'A' }, { quantity: 2, sku: 'B', unitPrice: 5 }],
      currency: 'EUR',
      actor: { userId: 'u', roles: [] },
      idempotencyKey: 'k',
    };
    expect(createOrderRequestHash(reordered)).toBe(createOrderRequestHash(body));
  });

  it.each([
    ['currency', { ...body, currency: 'USD' }],
    ['a quantity', { ...body, items: [{ sku: 'A', quantity: 2, unitPrice: 100 }, body.items[1]] }],
    ['a price', { ...body, items: [{ sku: 'A', quantity: 1, unitPrice: 101 }, body.items[1]] }],
    ['a sku', { ...body, items: [{ sku: 'C', quantity: 1, unitPrice: 100 }, body.items[1]] }],
    ['the line order', { ...body, items: [body.items[1], body.items[0]] }],
  ])('changes when %s changes', (_what, changed) => {
    expect(createOrderRequestHash(changed)).not.toBe(createOrderRequestHash(body));
  });
});
