/**
 * When keys sign and when they are published: pure rules over a key's timestamps. A new key is
 * published for a while before it signs, so every verifier's cached JWKS already holds it; the key
 * it replaces signs until then (its `retiredAt` lies in the future) and stays published afterwards
 * until every token it signed has expired.
 */
export interface KeyTimestamps {
  createdAt: Date;
  retiredAt: Date | null;
}

const isLive = (key: KeyTimestamps, now: Date) => key.retiredAt === null || key.retiredAt.getTime() > now.getTime();

const newest = <K extends KeyTimestamps>(keys: readonly K[]): K | undefined =>
  keys.reduce<K | undefined>((found, key) => (!found || key.createdAt > found.createdAt ? key : found), undefined);

/** Keys that may still sign at `now` (not retired yet). */
export function liveKeys<K extends KeyTimestamps>(keys: readonly K[], now: Date): K[] {
  return keys.filter((key) => isLive(key, now));
}

/**
 * The newest live key that has been published for `prepublishMs`; when there is none (the very
 * first key), the newest live key, since no verifier can have cached anything older.
 */
export function signingKeyAt<K extends KeyTimestamps>(keys: readonly K[], now: Date, prepublishMs: number): K | undefined {
  const live = liveKeys(keys, now);
  const published = live.filter((key) => key.createdAt.getTime() + prepublishMs <= now.getTime());
  return newest(published) ?? newest(live);
}

/** A rotation is due when there is no live key, or the newest one (even if not signing yet) has reached the maximum age. */
export function isRotationDue(keys: readonly KeyTimestamps[], now: Date, maxAgeMs: number): boolean {
  const latest = newest(liveKeys(keys, now));
  return !latest || now.getTime() - latest.createdAt.getTime() >= maxAgeMs;
}

/** Published while live and for `graceMs` after retirement. */
export function isPublished(key: KeyTimestamps, now: Date, graceMs: number): boolean {
  return key.retiredAt === null || key.retiredAt.getTime() + graceMs > now.getTime();
}
