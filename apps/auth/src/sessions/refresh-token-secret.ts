import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits: the secret handed to the client. Only its hash is stored. */
export const generateRefreshTokenSecret = (): string => randomBytes(32).toString('base64url');

/** SHA-256 is enough here (no salt, no stretching): the secret has full entropy, unlike a password. */
export const hashRefreshTokenSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
