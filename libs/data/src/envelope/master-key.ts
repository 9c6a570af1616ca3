import { createHash } from 'node:crypto';
import { DataError } from '@neo/topology';
import { KEY_BYTES, open, seal } from './aes-gcm.js';

/** Which master key a service uses: the environment variable it comes from and the label its fingerprint is made with. */
export interface MasterKeySpec {
  /** The environment variable holding 32 random bytes in base64 (`openssl rand -base64 32`). */
  variable: string;
  /** Mixed into the fingerprint, so two services' fingerprints never match even for the same bytes. */
  label: string;
}

/** The master key is absent or not 32 bytes of base64. The message names the variable, never the value. */
export class MasterKeyConfigError extends DataError {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super('MASTER_KEY_INVALID', `${variable} ${problem}: set it to 32 random bytes in base64, e.g. from \`openssl rand -base64 32\``);
  }
}

/**
 * The key that wraps every data key (envelope encryption): data keys are stored only sealed by
 * it, and it is never stored at all, only given to the service by its environment. Its `id` is
 * a fingerprint that tells which master key wrapped a data key without revealing it.
 */
export class MasterKey {
  readonly id: string;
  /** A #private field: util.inspect and JSON never show it. */
  readonly #key: Buffer;

  private constructor(key: Buffer, spec: MasterKeySpec) {
    this.#key = key;
    this.id = createHash('sha256').update(spec.label).update(key).digest('hex').slice(0, 16);
  }

  static fromBase64(text: string | undefined, spec: MasterKeySpec): MasterKey {
    if (text === undefined || text.trim() === '') throw new MasterKeyConfigError(spec.variable, 'is not set');
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== text.trim())
      throw new MasterKeyConfigError(spec.variable, `is not ${KEY_BYTES} bytes of base64`);
    return new MasterKey(key, spec);
  }

  static fromEnv(spec: MasterKeySpec, env: NodeJS.ProcessEnv = process.env): MasterKey {
    return MasterKey.fromBase64(env[spec.variable], spec);
  }

  /** The data key sealed for storage; `context` binds it to what it encrypts (e.g. a key or secret version). */
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
