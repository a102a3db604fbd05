import { ApplicationError, AuthRpc, ErrorCodes } from '@plinth/contracts';
import type { RpcClient } from '@plinth/messaging';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeRpcClient } from '../../test/support/fake-rpc-client.js';
import { testConfig } from '../../test/support/gateway-test-app.js';
import { createSigningKey, jwksOf, type TestSigningKey } from '../../test/support/test-signing-key.js';
import { JwksKeyStore } from './jwks-key-store.js';

const config = testConfig({ JWKS_CACHE_SECONDS: 300, JWKS_REFETCH_MIN_INTERVAL_SECONDS: 10 });

let rpc: FakeRpcClient;
let store: JwksKeyStore;
let current: TestSigningKey;
let rotated: TestSigningKey;
const jwksCalls = () => rpc.payloadsOf(AuthRpc.jwks).length;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  [current, rotated] = await Promise.all([createSigningKey('key-1'), createSigningKey('key-2')]);
  rpc = new FakeRpcClient().reply(AuthRpc.jwks, jwksOf(current));
  store = new JwksKeyStore(rpc as unknown as RpcClient, config);
});

afterEach(() => vi.useRealTimers());

describe('JwksKeyStore', () => {
  it('fetches the JWKS once and serves later lookups from the cache', async () => {
    const keys = await Promise.all([store.keyFor('key-1'), store.keyFor('key-1'), store.keyFor('key-1')]);
    await store.keyFor('key-1');
    expect(keys.every((key) => key?.asymmetricKeyType === 'ec')).toBe(true);
    expect(jwksCalls()).toBe(1);
  });

  it('refetches after JWKS_CACHE_SECONDS', async () => {
    await store.keyFor('key-1');
    vi.advanceTimersByTime(300_000);
    await store.keyFor('key-1');
    expect(jwksCalls()).toBe(2);
  });

  it('refetches when a token names a key it has not seen (rotation)', async () => {
    await store.keyFor('key-1');
    vi.advanceTimersByTime(10_000);
    rpc.reply(AuthRpc.jwks, jwksOf(current, rotated));
    expect(await store.keyFor('key-2')).toBeDefined();
    expect(jwksCalls()).toBe(2);
  });

  it('refetches for unknown kids at most once per JWKS_REFETCH_MIN_INTERVAL_SECONDS', async () => {
    await store.keyFor('key-1');
    for (let i = 0; i < 20; i++) expect(await store.keyFor(`forged-${i}`)).toBeUndefined();
    expect(jwksCalls()).toBe(1);
    vi.advanceTimersByTime(10_000);
    await store.keyFor('forged-again');
    expect(jwksCalls()).toBe(2);
  });

  it('keeps using keys past their cache time while auth is unreachable', async () => {
    await store.keyFor('key-1');
    vi.advanceTimersByTime(600_000);
    rpc.reply(AuthRpc.jwks, () => {
      throw new ApplicationError(ErrorCodes.TIMEOUT, 'no reply');
    });
    expect(await store.keyFor('key-1')).toBeDefined();
  });

  it('fails with the outage when it has never had keys, so the caller answers 503/504 rather than 401', async () => {
    rpc.reply(AuthRpc.jwks, () => {
      throw new ApplicationError(ErrorCodes.UNAVAILABLE, 'broker down');
    });
    await expect(store.keyFor('key-1')).rejects.toMatchObject({ code: ErrorCodes.UNAVAILABLE });
  });

  it('keeps the usable keys when another published key cannot be imported', async () => {
    rpc.reply(AuthRpc.jwks, { keys: [{ ...rotated.jwk, x: 'not-a-coordinate' }, current.jwk] });
    expect(await store.keyFor('key-1')).toBeDefined();
    expect(await store.keyFor('key-2')).toBeUndefined();
  });

  it('ignores published keys that are not ES256 P-256 signing keys', async () => {
    rpc.reply(AuthRpc.jwks, { keys: [{ ...current.jwk, alg: 'RS256' }, { ...rotated.jwk, use: 'enc' }] });
    expect(await store.keyFor('key-1')).toBeUndefined();
    expect(await store.keyFor('key-2')).toBeUndefined();
  });
});
