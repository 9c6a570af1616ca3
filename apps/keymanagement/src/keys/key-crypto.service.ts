import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { withReadConsistency } from '@neo/data';
import { MasterKey, open, seal, SealBrokenError } from '@neo/data/envelope';
import type { KeymanagementDb } from '../keymanagement-db.js';
import type { KeyVersion } from '../generated/prisma/client.js';
import { keyVersionContext } from './data-keys.js';
import type { CiphertextResponse, PlaintextResponse } from './dto/key.response.js';
import { decodeCiphertext, encodeCiphertext } from './key-ciphertext.js';
import { InvalidCiphertextError, KeyNotFoundError, MasterKeyMismatchError } from './key.errors.js';

/**
 * Encryption with a key's current version and decryption with whichever version made the
 * ciphertext. The data key is unwrapped by the master key for the one call and wiped after.
 */
@Injectable()
export class KeyCryptoService {
  constructor(
    @InjectDataClient() private readonly db: KeymanagementDb,
    private readonly master: MasterKey,
  ) {}

  async encrypt(keyId: string, plaintext: Buffer): Promise<CiphertextResponse> {
    // The key and its current version in one read: after this user's rotation, the data layer
    // serves it from a node that has the rotation (read-your-writes), so the new version is used.
    // A key made a moment ago by another caller may not be on this replica yet: ask the primary
    // before answering 404.
    const read = () => this.db.key.findUnique({ where: { id: keyId }, include: { versions: { orderBy: { version: 'desc' }, take: 1 } } });
    const key = (await read()) ?? (await withReadConsistency('primary', read));
    if (!key) throw new KeyNotFoundError(keyId);
    const [current] = key.versions;
    if (!current) throw new KeyNotFoundError(keyId);
    const sealed = this.withDataKey(current, (dataKey) => seal(dataKey, plaintext, keyVersionContext(keyId, current.version)));
    return { keyId, version: current.version, ciphertext: encodeCiphertext({ version: current.version, sealed }) };
  }

  async decrypt(keyId: string, ciphertext: string): Promise<PlaintextResponse> {
    const decoded = decodeCiphertext(ciphertext);
    if (!decoded) throw new InvalidCiphertextError('is malformed');
    const where = { keyId_version: { keyId, version: decoded.version } };
    // A version made a moment ago by another user's rotation may not be on this replica yet: ask the primary before giving up.
    const version =
      (await this.db.keyVersion.findUnique({ where })) ??
      (await withReadConsistency('primary', () => this.db.keyVersion.findUnique({ where })));
    if (!version) {
      const key = await withReadConsistency('primary', () => this.db.key.findUnique({ where: { id: keyId } }));
      if (!key) throw new KeyNotFoundError(keyId);
      throw new InvalidCiphertextError(`names version ${decoded.version}, which key ${keyId} does not have`);
    }
    try {
      const plaintext = this.withDataKey(version, (dataKey) => open(dataKey, decoded.sealed, keyVersionContext(keyId, version.version)));
      return { keyId, version: version.version, plaintext: plaintext.toString('base64') };
    } catch (error) {
      if (error instanceof SealBrokenError) throw new InvalidCiphertextError('was not made by this key, or was altered', { cause: error });
      throw error;
    }
  }

  private withDataKey<T>(version: KeyVersion, use: (dataKey: Buffer) => T): T {
    if (version.masterKeyId !== this.master.id) throw new MasterKeyMismatchError(version.keyId, version.version);
    const dataKey = this.master.unwrap(Buffer.from(version.wrappedKey), keyVersionContext(version.keyId, version.version));
    try {
      return use(dataKey);
    } finally {
      dataKey.fill(0);
    }
  }
}
