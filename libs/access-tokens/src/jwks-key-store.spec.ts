import { ApplicationError, ErrorCodes, type JwksResult } from '@plinth/contracts';
import { createSigningKey, jwksOf, type TestSigningKey } from '@plinth/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JwksKeyStore } from './jwks-key-store.js';

let published: () => JwksResult;
let fetches: number;
let store: JwksKeyStore;
let current: TestSigningKey;
let rotated: TestSigningKey;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  [current, rotated] = await Promise.all([createSigningKey('key-1'), createSigningKey('key-2')]);
  published = () => jwksOf(current);
  fetches = 0;
  store = new JwksKeyStore(async () => {
    fetches++;
    return published();
  }, { cacheSeconds: 300, refetchMinIntervalSeconds: 10 });
});

afterEach(() => vi.useRealTimers());

describe('JwksKeyStore', () => {
  it('fetches the JWKS once and serves later lookups from the cache', async () => {
    const keys = await Promise.all([store.keyFor('key-1'), store.keyFor('key-1'), store.keyFor('key-1')]);
    await store.keyFor('key-1');
    expect(keys.every((key) => key?.algorithm.name === 'ECDSA')).toBe(true);
    expect(fetches).toBe(1);
  });

  it('refetches after the cache time', async () => {
    await store.keyFor('key-1');
    vi.advanceTimersByTime(300_000);
    await store.keyFor('key-1');
    expect(fetches).toBe(2);
  });

  it('refetches when a token names a key it has not seen (rotation)', async () => {
    await store.keyFor('key-1');
    vi.advanceTimersByTime(10_000);
    published = () => jwksOf(current, rotated);
    expect(await store.keyFor('key-2')).toBeDefined();
    expect(fetches).toBe(2);
  });

  it('refetches for unknown kids at most once per refetch interval', async () => {
    await store.keyFor('key-1');
    for (let i = 0; i < 20; i++) expect(await store.keyFor(`forged-${i}`)).toBeUndefined();
    expect(fetches).toBe(1);
    vi.advanceTimersByTime(10_000);
    await store.keyFor('forged-again');
    expect(fetches).toBe(2);
  });

  it('keeps using keys past their cache time while the source is unreachable', async () => {
    await store.keyFor('key-1');
    vi.advanceTimersByTime(600_000);
    published = () => {
      throw new ApplicationError(ErrorCodes.TIMEOUT, 'no reply');
    };
    expect(await store.keyFor('key-1')).toBeDefined();
  });

  it('fails with the outage when it has never had keys, so the caller answers 503/504 rather than 401', async () => {
    published = () => {
      throw new ApplicationError(ErrorCodes.UNAVAILABLE, 'broker down');
    };
    await expect(store.keyFor('key-1')).rejects.toMatchObject({ code: ErrorCodes.UNAVAILABLE });
  });

  it('keeps answering with the outage (not an unknown key) until a first fetch succeeds, then caches', async () => {
    published = () => {
      throw new ApplicationError(ErrorCodes.UNAVAILABLE, 'auth not started yet');
    };
    await expect(store.keyFor('key-1')).rejects.toMatchObject({ code: ErrorCodes.UNAVAILABLE });
    await expect(store.keyFor('key-1')).rejects.toMatchObject({ code: ErrorCodes.UNAVAILABLE });
    published = () => jwksOf(current);
    expect(await store.keyFor('key-1')).toBeDefined();
    await store.keyFor('key-1');
    expect(fetches).toBe(3);
  });

  it('keeps the usable keys when another published key cannot be imported', async () => {
    published = () => ({ keys: [{ ...rotated.jwk, x: 'not-a-coordinate' }, current.jwk] });
    expect(await store.keyFor('key-1')).toBeDefined();
    expect(await store.keyFor('key-2')).toBeUndefined();
  });

  it('ignores published keys that are not ES256 P-256 signing keys', async () => {
    published = () => ({ keys: [{ ...current.jwk, alg: 'RS256' }, { ...rotated.jwk, use: 'enc' as 'sig' }] });
    expect(await store.keyFor('key-1')).toBeUndefined();
    expect(await store.keyFor('key-2')).toBeUndefined();
  });
});
