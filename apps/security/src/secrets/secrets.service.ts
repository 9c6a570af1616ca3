import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { MasterKey } from '@neo/data/envelope';
import { positionCursorCodec, Uuidv7Generator, withReadConsistency, type Page } from '@neo/data';
import type { SecurityDb } from '../security-db.js';
import { toAuditEntryResponse, type AuditEntryResponse } from '../credentials/dto/credential.response.js';
import type { SecretDeletedResponse, SecretValueResponse, SecretVersionResponse, SecretVersionsResponse } from './dto/secret.response.js';
import { openSecretValue, sealSecretValue } from './secret-envelope.js';
import { InvalidSecretAuditCursorError, SecretNotFoundError, SecretWriteConflictError } from './secret.errors.js';

const auditCursor = positionCursorCodec('at', (options) => new InvalidSecretAuditCursorError(options));

/** How often a write retries when others add versions of the same secret at the same moment. */
const WRITE_ATTEMPTS = 5;

/**
 * Secrets, encrypted at rest (see secret-envelope.ts), and the audit trail of every read and
 * write of them. Reads go to the primary: whoever reads a secret is seldom whoever rotated or
 * deleted it, so read-your-writes would not cover them, and a replica a moment behind would hand
 * out a rotated-away or deleted value. Values never reach a log, an error or the trail.
 */
@Injectable()
export class SecretsService {
  constructor(
    @InjectDataClient() private readonly db: SecurityDb,
    private readonly ids: Uuidv7Generator,
    private readonly master: MasterKey,
  ) {}

  /** Stores `value` as the secret's next version (the first one creates it; one after a deletion revives it). */
  async put(name: string, value: string): Promise<SecretVersionResponse> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const now = new Date();
      const existing = await this.primary(() => this.db.secret.findUnique({ where: { name } }));
      const id = existing?.id ?? this.ids.next();
      const version = (existing?.latestVersion ?? 0) + 1;
      const data = {
        latestVersion: version,
        versions: { create: { version, ...sealSecretValue(this.master, id, version, value), createdAt: now } },
        audit: { create: { id: this.ids.next(), action: 'secret-written', outcome: 'ok', at: now } },
      };
      try {
        if (existing) {
          // Only over the version read: a concurrent writer makes this match nothing (P2025) and it tries again.
          await this.db.secret.update({ where: { id, latestVersion: existing.latestVersion }, data: { ...data, deletedAt: null } });
        } else {
          await this.db.secret.create({ data: { id, name, createdAt: now, ...data } });
        }
        return { name, version, createdAt: now.toISOString() };
      } catch (error) {
        // P2025: another writer moved the secret first; P2002: it created the secret or this version first.
        if (!isPrismaError(error, 'P2025') && !isPrismaError(error, 'P2002')) throw error;
      }
    }
    throw new SecretWriteConflictError(name);
  }

  /** The newest value; a deleted secret reads as absent. */
  async get(name: string): Promise<SecretValueResponse> {
    const secret = await this.primary(() =>
      this.db.secret.findUnique({ where: { name }, include: { versions: { orderBy: { version: 'desc' }, take: 1 } } }),
    );
    const newest = secret?.versions[0];
    if (!secret || secret.deletedAt !== null || !newest) {
      await this.audit(secret?.id ?? null, 'secret-read', secret ? 'deleted' : 'unknown');
      throw new SecretNotFoundError(name, secret !== null);
    }
    const value = openSecretValue(this.master, name, newest);
    await this.audit(secret.id, 'secret-read', 'ok');
    return { name, version: newest.version, createdAt: newest.createdAt.toISOString(), value };
  }

  /** The versions a secret has now (newest first), never their values. */
  async versions(name: string): Promise<SecretVersionsResponse> {
    const secret = await this.primary(() =>
      this.db.secret.findUnique({
        where: { name },
        include: { versions: { orderBy: { version: 'desc' }, select: { version: true, createdAt: true } } },
      }),
    );
    if (!secret || secret.deletedAt !== null) {
      await this.audit(secret?.id ?? null, 'secret-versions-listed', secret ? 'deleted' : 'unknown');
      throw new SecretNotFoundError(name, secret !== null);
    }
    await this.audit(secret.id, 'secret-versions-listed', 'ok');
    return { name, versions: secret.versions.map((v) => ({ version: v.version, createdAt: v.createdAt.toISOString() })) };
  }

  /**
   * Revokes the secret at once and destroys its values (their rows go; the trail stays).
   * Idempotent: deleting again keeps the first deletion time.
   */
  async delete(name: string): Promise<SecretDeletedResponse> {
    const now = new Date();
    const secret = await this.primary(() => this.db.secret.findUnique({ where: { name } }));
    if (!secret) {
      await this.audit(null, 'secret-deleted', 'unknown');
      throw new SecretNotFoundError(name);
    }
    if (secret.deletedAt !== null) return { name, deletedAt: secret.deletedAt.toISOString() };
    const { count } = await this.db.secret.updateMany({ where: { id: secret.id, deletedAt: null }, data: { deletedAt: now } });
    await this.db.secretVersion.deleteMany({ where: { secretId: secret.id } });
    if (count === 1) await this.audit(secret.id, 'secret-deleted', 'ok', now);
    const deleted = await this.primary(() => this.db.secret.findUnique({ where: { id: secret.id } }));
    return { name, deletedAt: (deleted?.deletedAt ?? now).toISOString() };
  }

  /** A secret's trail (reads, writes, listings, deletion), newest first, `limit` at a time. */
  async auditTrail(name: string, query: { limit: number; cursor?: string }): Promise<Page<AuditEntryResponse>> {
    const after = query.cursor === undefined ? undefined : auditCursor.decode(query.cursor);
    const secret = await this.primary(() => this.db.secret.findUnique({ where: { name }, select: { id: true } }));
    if (!secret) throw new SecretNotFoundError(name);
    const rows = await this.primary(() =>
      this.db.auditEntry.findMany({
        where: { secretId: secret.id, ...(after ? { id: { lt: after.id } } : {}) },
        orderBy: { id: 'desc' },
        take: query.limit + 1,
      }),
    );
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(toAuditEntryResponse), nextCursor: rows.length > query.limit && last ? auditCursor.encode(last) : null };
  }

  private primary<T>(read: () => Promise<T>): Promise<T> {
    return withReadConsistency('primary', read);
  }

  private async audit(secretId: string | null, action: string, outcome: string, at = new Date()): Promise<void> {
    await this.db.auditEntry.create({ data: { id: this.ids.next(), secretId, action, outcome, at } });
  }
}

function isPrismaError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
