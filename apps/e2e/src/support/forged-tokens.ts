// Tokens an attacker could present: none of them may get past the gateway's local verification.
import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';

const decodeSegment = (segment: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
const encodeSegment = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The genuine header and signature with the claims rewritten to grant admin: the signature no longer matches. */
export function withEscalatedClaims(accessToken: string): string {
  const [header, payload, signature] = accessToken.split('.');
  const claims = decodeSegment(payload ?? '');
  return [header, encodeSegment({ ...claims, roles: ['user', 'admin'] }), signature].join('.');
}

/** An unsigned token (`alg: none`) carrying otherwise plausible claims copied from a genuine one. */
export function unsigned(accessToken: string): string {
  const [header, payload] = accessToken.split('.');
  const { kid } = decodeSegment(header ?? '');
  return [encodeSegment({ alg: 'none', typ: 'JWT', kid }), payload, ''].join('.');
}

/** Well-formed ES256 token with the genuine kid and claims, but signed by a key the system never issued. */
export async function signedWithForeignKey(accessToken: string): Promise<string> {
  const [header, payload] = accessToken.split('.');
  const { kid } = decodeSegment(header ?? '');
  const claims = decodeSegment(payload ?? '');
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ ...claims, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: String(kid) })
    .sign(privateKey);
}
