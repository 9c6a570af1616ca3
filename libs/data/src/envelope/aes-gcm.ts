import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a random 96-bit IV per message, as NIST SP 800-38D recommends. */
const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The authentication tag did not match: wrong key, wrong associated data, or altered bytes. */
export class SealBrokenError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the sealed bytes do not open with this key and context', options);
  }
}

/**
 * Encrypts and authenticates `plaintext`; `context` (associated data) is authenticated but not
 * stored, so the sealed bytes only open with the same context (e.g. the key id and version).
 * Returns IV ‖ tag ‖ ciphertext.
 */
export function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext of `seal(key, plaintext, context)`; a `SealBrokenError` for anything else. */
export function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new SealBrokenError();
  const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch (error) {
    throw new SealBrokenError({ cause: error });
  }
}
