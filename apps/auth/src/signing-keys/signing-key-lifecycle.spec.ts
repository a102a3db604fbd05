import { describe, expect, it } from 'vitest';
import { currentSigningKey, isDueForRotation, isPublished } from './signing-key-lifecycle.js';

const at = (iso: string) => new Date(iso);
const HOUR_MS = 3_600_000;

describe('currentSigningKey', () => {
  it('picks the newest key that is not retired', () => {
    const keys = [
      { kid: 'old', createdAt: at('2026-01-01T00:00:00Z'), retiredAt: null },
      { kid: 'new', createdAt: at('2026-02-01T00:00:00Z'), retiredAt: null },
      { kid: 'retired', createdAt: at('2026-03-01T00:00:00Z'), retiredAt: at('2026-03-02T00:00:00Z') },
    ];
    expect(currentSigningKey(keys)?.kid).toBe('new');
  });

  it('finds none when every key is retired', () => {
    expect(currentSigningKey([{ createdAt: at('2026-01-01T00:00:00Z'), retiredAt: at('2026-01-02T00:00:00Z') }])).toBeUndefined();
  });
});

describe('isDueForRotation', () => {
  const key = { createdAt: at('2026-11-01T00:00:00Z'), retiredAt: null };

  it('keeps a key younger than the maximum age', () => {
    expect(isDueForRotation(key, at('2026-11-01T23:59:59Z'), 24 * HOUR_MS)).toBe(false);
  });

  it('rotates a key once it reaches the maximum age', () => {
    expect(isDueForRotation(key, at('2026-11-02T00:00:00Z'), 24 * HOUR_MS)).toBe(true);
  });
});

describe('isPublished', () => {
  const retiredAt = at('2026-11-24T12:00:00Z');

  it('publishes a key that is still current', () => {
    expect(isPublished({ createdAt: at('2026-01-01T00:00:00Z'), retiredAt: null }, at('2030-01-01T00:00:00Z'), HOUR_MS)).toBe(true);
  });

  it('keeps publishing a retired key within the grace period', () => {
    expect(isPublished({ createdAt: at('2026-01-01T00:00:00Z'), retiredAt }, at('2026-11-24T12:59:59Z'), HOUR_MS)).toBe(true);
  });

  it('drops a retired key once the grace period is over', () => {
    expect(isPublished({ createdAt: at('2026-01-01T00:00:00Z'), retiredAt }, at('2026-11-24T13:00:00Z'), HOUR_MS)).toBe(false);
  });
});
