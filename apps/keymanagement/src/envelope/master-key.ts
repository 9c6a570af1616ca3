import { createHash } from 'node:crypto';
import { DataError } from '@neo/data';
import { KEY_BYTES, open, seal } from './aes-gcm.js';

/** The environment variable holding the master key: 32 random bytes, base64 (`openssl rand -base64 32`). */
export const MASTER_KEY_ENV = 'NEO_KEYMANAGEMENT_MASTER_KEY';

/** The master key is absent or not 32 bytes of base64. The message never contains the value. */
export class MasterKeyConfigError extends DataError {
  constructor(problem: string) {
    super(
      'KEYMANAGEMENT_MASTER_KEY_INVALID',
      `${MASTER_KEY_ENV} ${problem}: set it to 32 random bytes in base64, e.g. from \`openssl rand -base64 32\``,
    );
  }
}

/**
 * The key that wraps every data key (envelope encryption): data keys are stored only sealed
 * by it, and it is never stored at all, only given to the service by its environment. Its `id`
 * is a fingerprint that tells which master key wrapped a data key without revealing it.
 */
export class MasterKey {
  readonly id: string;
  /** A #private field: util.inspect and JSON never show it. */
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
    this.id = createHash('sha256').update('neo-keymanagement-master-key').update(key).digest('hex').slice(0, 16);
  }

  static fromBase64(text: string | undefined): MasterKey {
    if (text === undefined || text.trim() === '') throw new MasterKeyConfigError('is not set');
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== text.trim())
      throw new MasterKeyConfigError(`is not ${KEY_BYTES} bytes of base64`);
    return new MasterKey(key);
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): MasterKey {
    return MasterKey.fromBase64(env[MASTER_KEY_ENV]);
  }

  /** The data key sealed for storage; `context` binds it to its key version. */
  wrap(dataKey: Buffer, context: string): Buffer {
    return seal(this.#key, dataKey, context);
  }

  unwrap(wrapped: Buffer, context: string): Buffer {
    return open(this.#key, wrapped, context);
  }

  /** Never the key itself, wherever the object ends up (logs, errors, JSON). */
  toJSON(): string {
    return `MasterKey(${this.id})`;
  }
}
