import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait-until.js';

describe('waitUntil', () => {
  it('resolves as soon as the condition holds', async () => {
    let calls = 0;
    await waitUntil(() => ++calls === 3);
    expect(calls).toBe(3);
  });

  it('rejects once the timeout has passed without the condition holding', async () => {
    await expect(waitUntil(async () => false, 60)).rejects.toThrow('condition not met in time');
  });
});
