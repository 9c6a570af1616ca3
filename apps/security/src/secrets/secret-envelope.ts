import { randomBytes } from 'node:crypto';
import { KEY_BYTES, open, seal, SealBrokenError, type MasterKey } from '@neo/data/envelope';
import { SecretUnreadableError } from './secret.errors.js';

/** A secret version as stored: only ciphertext, and the fingerprint of the master key that wraps its data key. */
export interface SealedSecretVersion {
  sealedValue: Uint8Array<ArrayBuffer>;
  wrappedKey: Uint8Array<ArrayBuffer>;
  masterKeyId: string;
}

/**
 * What a version's data key and value are bound to: the secret and the version. A value or a
 * wrapped key copied onto another secret or version does not open.
 */
function versionContext(secretId: string, version: number): string {
  return `neo-security:secret:${secretId}:${version}`;
}

/** Seals a value under a fresh data key of its own, and wraps that key with the master key (envelope encryption). */
export function sealSecretValue(master: MasterKey, secretId: string, version: number, value: string): SealedSecretVersion {
  const dataKey = randomBytes(KEY_BYTES);
  const context = versionContext(secretId, version);
  try {
    return {
      // Copies on plain ArrayBuffers: the type Prisma takes for a Bytes column.
      sealedValue: Uint8Array.from(seal(dataKey, Buffer.from(value, 'utf8'), context)),
      wrappedKey: Uint8Array.from(master.wrap(dataKey, context)),
      masterKeyId: master.id,
    };
  } finally {
    dataKey.fill(0);
  }
}

/** The value of a stored version; a `SecretUnreadableError` (naming no key and no value) when it does not open. */
export function openSecretValue(
  master: MasterKey,
  name: string,
  stored: SealedSecretVersion & { secretId: string; version: number },
): string {
  if (stored.masterKeyId !== master.id) throw new SecretUnreadableError(name, stored.version, 'another-master-key');
  const context = versionContext(stored.secretId, stored.version);
  let dataKey: Buffer | undefined;
  try {
    dataKey = master.unwrap(Buffer.from(stored.wrappedKey), context);
    return open(dataKey, Buffer.from(stored.sealedValue), context).toString('utf8');
  } catch (error) {
    if (error instanceof SealBrokenError) throw new SecretUnreadableError(name, stored.version, 'altered', { cause: error });
    throw error;
  } finally {
    dataKey?.fill(0);
  }
}
