// Fingerprint of a create request, so a reused Idempotency-Key can tell a replay from a different body.
import { createHash } from 'node:crypto';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** JSON with object keys sorted at every depth and `undefined` members dropped; array order is kept. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map((element) => sortKeys(element));
  if (value === null || typeof value !== 'object') return value as Json;
  const sorted: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}

export interface CreateOrderFingerprintInput {
  currency: string;
  items: readonly { sku: string; quantity: number; unitPrice?: number }[];
}

/** sha256 (hex) of the canonical body: only what defines the order, never the actor or the key itself. */
export function createOrderRequestHash({ currency, items }: CreateOrderFingerprintInput): string {
  const body = { currency, items: items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })) };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
