import { randomBytes } from 'node:crypto';

/**
 * `<prefix><label>_test_<random>` in lower-case [a-z0-9_], at most 63 characters (Postgres identifier
 * limit). The `test` marker is what every drop guard checks before destroying anything.
 */
export function uniqueTestName(label: string, separator: '_' | '-' = '_'): string {
  const words = label.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const safeLabel = words.join(separator).slice(0, 32).replace(/[-_]+$/, '') || 'x';
  return ['plinth', safeLabel, 'test', randomBytes(4).toString('hex')].join(separator);
}

export function assertTestName(name: string): void {
  if (!/test/.test(name)) throw new Error(`Refusing to drop "${name}": only resources whose name contains "test" are disposable`);
}
