import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { newestFirstPages, Uuidv7Generator, withReadConsistency, type Page } from '@neo/data';
import { MasterKey } from '@neo/data/envelope';
import type { KeymanagementDb } from '../keymanagement-db.js';
import { newWrappedDataKey } from './data-keys.js';
import { toKeyResponse, type KeyResponse } from './dto/key.response.js';
import { InvalidKeysCursorError, KeyAlreadyExistsError, KeyNotFoundError, RotationConflictError } from './key.errors.js';

const pages = newestFirstPages('createdAt', (options) => new InvalidKeysCursorError(options));
/** Concurrent rotations of one key each move it one version on; a rotation that lost the race retries this often. */
const ROTATION_ATTEMPTS = 10;

/** Keys and their versions. Reads go to a fresh replica (the primary right after this user's own writes). */
@Injectable()
export class KeysService {
  constructor(
    @InjectDataClient() private readonly db: KeymanagementDb,
    private readonly master: MasterKey,
    private readonly ids: Uuidv7Generator,
  ) {}

  /** A new key with its first version. */
  async create(name: string): Promise<KeyResponse> {
    const id = this.ids.next();
    const now = new Date();
    try {
      const key = await this.db.key.create({
        data: {
          id,
          name,
          currentVersion: 1,
          createdAt: now,
          versions: { create: { version: 1, ...newWrappedDataKey(this.master, id, 1), createdAt: now } },
        },
      });
      return toKeyResponse(key);
    } catch (error) {
      if (isUniqueViolation(error)) throw new KeyAlreadyExistsError(name, { cause: error });
      throw error;
    }
  }

  async get(id: string): Promise<KeyResponse> {
    const key = await this.db.key.findUnique({ where: { id } });
    if (!key) throw new KeyNotFoundError(id);
    return toKeyResponse(key);
  }

  /** Every key, newest first, `limit` at a time. */
  async list(query: { limit: number; cursor?: string }): Promise<Page<KeyResponse>> {
    const after = query.cursor === undefined ? undefined : pages.decode(query.cursor);
    const rows = await this.db.key.findMany({ where: pages.after(after), orderBy: pages.orderBy, take: query.limit + 1 });
    const page = pages.page(rows, query.limit);
    return { items: page.items.map(toKeyResponse), nextCursor: page.nextCursor };
  }

  /**
   * Adds a version and makes it current, in one statement: the key's row is updated only if it
   * is still at the version read (`where currentVersion`), and the new version is inserted in the
   * same transaction, so no reader sees a current version without its data key. Two concurrent
   * rotations give two versions, never one twice.
   */
  async rotate(id: string): Promise<KeyResponse> {
    for (let attempt = 0; attempt < ROTATION_ATTEMPTS; attempt++) {
      const key = await withReadConsistency('primary', () => this.db.key.findUnique({ where: { id } }));
      if (!key) throw new KeyNotFoundError(id);
      const version = key.currentVersion + 1;
      const now = new Date();
      try {
        const rotated = await this.db.key.update({
          where: { id, currentVersion: key.currentVersion },
          data: {
            currentVersion: version,
            rotatedAt: now,
            versions: { create: { version, ...newWrappedDataKey(this.master, id, version), createdAt: now } },
          },
        });
        return toKeyResponse(rotated);
      } catch (error) {
        // P2025: another rotation moved the key first; P2002: it inserted this version first.
        if (!isPrismaError(error, 'P2025') && !isUniqueViolation(error)) throw error;
      }
    }
    throw new RotationConflictError(id);
  }
}

function isPrismaError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

/** Prisma's P2002: a unique constraint refused the row. */
function isUniqueViolation(error: unknown): boolean {
  return isPrismaError(error, 'P2002');
}
