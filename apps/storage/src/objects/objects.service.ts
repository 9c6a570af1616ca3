import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import type { StorageObject } from '../generated/prisma/client.js';
import { isUuidv7, Uuidv7Generator, uuidv7Time, type Page } from '@neo/data';
import type { StorageDb } from '../storage-db.js';
import { pages } from './list-cursor.js';
import { ObjectAlreadyExistsError, ObjectNotFoundError } from './storage-object.errors.js';

export interface NewStorageObject {
  key: string;
  owner: string;
  size: number | bigint;
  contentHash: string;
  contentType?: string | null;
}

export interface ListObjectsRequest {
  owner: string;
  limit: number;
  cursor?: string;
}

export type ObjectPage = Page<StorageObject>;

/**
 * Object metadata: plain Prisma calls on the client the data module gives. Which
 * node (and later which replica or date-ranged shard) serves a call is the data
 * layer's concern, so every call names the shard key where it has it.
 */
@Injectable()
export class ObjectsService {
  constructor(
    @InjectDataClient() private readonly db: StorageDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  async create(input: NewStorageObject): Promise<StorageObject> {
    // The unique index on (owner, key) holds within one date-ranged shard only; an object of
    // the same key created in another year lives on another shard, so it is looked for first.
    // (Two creates racing across a shard boundary can still both pass: a year boundary is rare.)
    const existing = await this.db.storageObject.findFirst({ where: { owner: input.owner, key: input.key }, select: { id: true } });
    if (existing) throw new ObjectAlreadyExistsError(input.owner, input.key);
    const id = this.ids.next();
    try {
      return await this.db.storageObject.create({
        data: {
          id,
          key: input.key,
          owner: input.owner,
          size: BigInt(input.size),
          contentHash: input.contentHash,
          contentType: input.contentType ?? null,
          // The id's own instant: created date (the shard key) and id order always agree.
          createdDate: uuidv7Time(id),
        },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ObjectAlreadyExistsError(input.owner, input.key, { cause: error });
      throw error;
    }
  }

  async get(id: string): Promise<StorageObject> {
    // Objects only ever get UUIDv7 ids; any other id names nothing.
    if (!isUuidv7(id)) throw new ObjectNotFoundError(id);
    // The id carries the creation instant, which is the shard key: the read goes to one shard.
    const row = await this.db.storageObject.findFirst({ where: { id, createdDate: uuidv7Time(id) } });
    if (!row) throw new ObjectNotFoundError(id);
    return row;
  }

  /** An owner's objects, newest first, `limit` at a time. */
  async list(request: ListObjectsRequest): Promise<ObjectPage> {
    const after = request.cursor === undefined ? undefined : pages.decode(request.cursor);
    const rows = await this.db.storageObject.findMany({
      where: { owner: request.owner, ...pages.after(after) },
      orderBy: pages.orderBy,
      // One more than asked tells whether another page exists without a count query.
      take: request.limit + 1,
    });
    return pages.page(rows, request.limit);
  }

  async delete(id: string): Promise<void> {
    // Objects only ever get UUIDv7 ids; any other id names nothing.
    if (!isUuidv7(id)) throw new ObjectNotFoundError(id);
    // The id carries the creation instant, which is the shard key: the delete goes to one shard.
    // deleteMany reports a count instead of throwing when nothing matched.
    const { count } = await this.db.storageObject.deleteMany({ where: { id, createdDate: uuidv7Time(id) } });
    if (count === 0) throw new ObjectNotFoundError(id);
  }
}

/** Prisma's P2002: a unique constraint (here: owner + key) refused the row. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
