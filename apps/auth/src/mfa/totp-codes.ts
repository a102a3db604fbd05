import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

// RFC 6238 with the parameters every authenticator app supports.
const PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export const otpauthUrlOf = (secret: string, accountName: string): string =>
  new TOTP({ issuer: 'Plinth', label: accountName, secret: Secret.fromBase32(secret), ...PARAMETERS }).toString();

/**
 * The time step a code belongs to (±1 step of clock drift), or null when it matches none. The caller refuses a step
 * not after the last one used, so a code (and any earlier one) works once.
 */
export function totpStepOf(secret: string, code: string, now: Date): number | null {
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secret), ...PARAMETERS, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : TOTP.counter({ period: PARAMETERS.period, timestamp: now.getTime() }) + delta;
}

/** Ten codes of 50 random bits each, `xxxxx-xxxxx` in base32 (no 0/1/8/9 to misread). */
export const newRecoveryCodes = (): string[] =>
  Array.from({ length: 10 }, () => {
    const chars = [...randomBytes(10)].map((byte) => BASE32[byte % 32]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });

export const hashRecoveryCode = (code: string): string => createHash('sha256').update(code).digest('hex');

export const isRecoveryCodeFormat = (code: string): boolean => code.includes('-');
