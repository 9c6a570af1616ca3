import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A credential's bearer token: `neo_<credential id, 32 hex digits>_<secret, 43 base64url
 * characters>`. The id finds the credential; the secret (256 random bits) proves possession and
 * is stored only as its SHA-256.
 */
const TOKEN = /^neo_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface ParsedToken {
  credentialId: string;
  secret: string;
}

export function newToken(credentialId: string): { token: string; secretHash: Uint8Array<ArrayBuffer> } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `neo_${credentialId.replaceAll('-', '')}_${secret}`, secretHash: hashSecret(secret) };
}

/** The parts of a token this service made, or undefined for anything else. */
export function parseToken(token: string): ParsedToken | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const hex = match[1]!;
  const credentialId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { credentialId, secret: match[2]! };
}

/** Compares in constant time, so the answer's timing tells nothing about the stored hash. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const hash = hashSecret(secret);
  return hash.length === storedHash.length && timingSafeEqual(hash, storedHash);
}

function hashSecret(secret: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(createHash('sha256').update(secret, 'utf8').digest());
}
