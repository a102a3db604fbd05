import { describe, expect, it } from 'vitest';
import { isPublished, isRotationDue, signingKeyAt } from './signing-key-lifecycle.js';

const at = (iso: string) => new Date(iso);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

describe('signingKeyAt', () => {
  const old = { kid: 'old', createdAt: at('2026-10-01T00:00:00Z'), retiredAt: at('2026-11-24T13:00:00Z') };
  const successor = { kid: 'successor', createdAt: at('2026-11-24T12:00:00Z'), retiredAt: null };

  it('keeps signing with the old key while its successor is being pre-published', () => {
    expect(signingKeyAt([old, successor], at('2026-11-24T12:59:59Z'), HOUR_MS)?.kid).toBe('old');
  });

  it('switches to the successor once it has been published for the pre-publication time', () => {
    expect(signingKeyAt([old, successor], at('2026-11-24T13:00:00Z'), HOUR_MS)?.kid).toBe('successor');
  });

  it('signs with the very first key at once: no verifier can hold an older one', () => {
    expect(signingKeyAt([successor], at('2026-11-24T12:00:01Z'), HOUR_MS)?.kid).toBe('successor');
  });

  it('never signs with a key whose retirement has passed', () => {
    expect(signingKeyAt([old], at('2026-11-24T13:00:00Z'), HOUR_MS)).toBeUndefined();
  });
});

describe('isRotationDue', () => {
  const key = { createdAt: at('2026-11-01T00:00:00Z'), retiredAt: null };

  it('is due when there is no key at all', () => {
    expect(isRotationDue([], at('2026-11-01T00:00:00Z'), DAY_MS)).toBe(true);
  });

  it('is not due while the newest key is younger than the maximum age', () => {
    expect(isRotationDue([key], at('2026-11-01T23:59:59Z'), DAY_MS)).toBe(false);
  });

  it('is due once the newest key reaches the maximum age', () => {
    expect(isRotationDue([key], at('2026-11-02T00:00:00Z'), DAY_MS)).toBe(true);
  });

  it('is not due again while a fresh successor is still pre-published', () => {
    const pending = { createdAt: at('2026-11-02T00:00:00Z'), retiredAt: null };
    expect(isRotationDue([{ ...key, retiredAt: at('2026-11-02T01:00:00Z') }, pending], at('2026-11-02T00:30:00Z'), DAY_MS)).toBe(false);
  });
});

describe('isPublished', () => {
  const retiredAt = at('2026-11-24T12:00:00Z');
  const createdAt = at('2026-01-01T00:00:00Z');

  it('publishes a key that is not retired', () => {
    expect(isPublished({ createdAt, retiredAt: null }, at('2030-01-01T00:00:00Z'), HOUR_MS)).toBe(true);
  });

  it('keeps publishing a retired key within the grace period', () => {
    expect(isPublished({ createdAt, retiredAt }, at('2026-11-24T12:59:59Z'), HOUR_MS)).toBe(true);
  });

  it('drops a retired key once the grace period is over', () => {
    expect(isPublished({ createdAt, retiredAt }, at('2026-11-24T13:00:00Z'), HOUR_MS)).toBe(false);
  });
});
