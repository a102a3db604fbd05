/** When keys sign and when they stop being published: pure rules over a key's timestamps. */
export interface KeyTimestamps {
  createdAt: Date;
  retiredAt: Date | null;
}

/** The newest key that has not been retired signs new tokens. */
export function currentSigningKey<K extends KeyTimestamps>(keys: readonly K[]): K | undefined {
  return keys
    .filter((key) => key.retiredAt === null)
    .reduce<K | undefined>((newest, key) => (!newest || key.createdAt > newest.createdAt ? key : newest), undefined);
}

export function isDueForRotation(key: KeyTimestamps, now: Date, maxAgeMs: number): boolean {
  return now.getTime() - key.createdAt.getTime() >= maxAgeMs;
}

/**
 * A retired key stays in the JWKS for `graceMs`: long enough for every token it signed to expire,
 * including those signed by replicas that had not yet reloaded the key ring.
 */
export function isPublished(key: KeyTimestamps, now: Date, graceMs: number): boolean {
  return key.retiredAt === null || key.retiredAt.getTime() + graceMs > now.getTime();
}
