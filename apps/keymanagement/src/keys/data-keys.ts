import { randomBytes } from 'node:crypto';
import { KEY_BYTES, type MasterKey } from '@neo/data/envelope';

/**
 * What a data key is bound to when wrapped and when used: its key and version. A wrapped key
 * copied onto another key or version, or a ciphertext sent to another key, does not open.
 */
export function keyVersionContext(keyId: string, version: number): string {
  return `neo-keymanagement:${keyId}:${version}`;
}

/** A fresh 256-bit data key for a new key version, and its wrapped form for storage. */
export function newWrappedDataKey(
  master: MasterKey,
  keyId: string,
  version: number,
): { wrappedKey: Uint8Array<ArrayBuffer>; masterKeyId: string } {
  const dataKey = randomBytes(KEY_BYTES);
  try {
    // A copy on a plain ArrayBuffer: the type Prisma takes for a Bytes column.
    return { wrappedKey: Uint8Array.from(master.wrap(dataKey, keyVersionContext(keyId, version))), masterKeyId: master.id };
  } finally {
    dataKey.fill(0);
  }
}
