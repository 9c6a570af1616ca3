import type { Key } from '../../generated/prisma/client.js';

/** A key as the API returns it: never its material. */
export interface KeyResponse {
  id: string;
  name: string;
  currentVersion: number;
  createdAt: string;
  rotatedAt: string | null;
}

export interface CiphertextResponse {
  keyId: string;
  version: number;
  ciphertext: string;
}

export interface PlaintextResponse {
  keyId: string;
  version: number;
  /** base64 */
  plaintext: string;
}

export function toKeyResponse(key: Key): KeyResponse {
  return {
    id: key.id,
    name: key.name,
    currentVersion: key.currentVersion,
    createdAt: key.createdAt.toISOString(),
    rotatedAt: key.rotatedAt?.toISOString() ?? null,
  };
}
