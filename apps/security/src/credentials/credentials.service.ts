import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { positionCursorCodec, Uuidv7Generator, withReadConsistency, type Page } from '@neo/data';
import type { SecurityDb } from '../security-db.js';
import { newToken, parseToken, secretMatches } from './credential-token.js';
import { CredentialNotFoundError, InvalidAuditCursorError } from './credential.errors.js';
import {
  toAuditEntryResponse,
  toCredentialResponse,
  type AuditEntryResponse,
  type CheckResponse,
  type CredentialResponse,
} from './dto/credential.response.js';

const auditCursor = positionCursorCodec('at', (options) => new InvalidAuditCursorError(options));

/**
 * API credentials and their audit trail. A check always reads the primary: the caller checking
 * a token is not the one who revoked it, so read-your-writes would not cover it, and a replica a
 * few milliseconds behind would still accept a revoked token.
 */
@Injectable()
export class CredentialsService {
  constructor(
    @InjectDataClient() private readonly db: SecurityDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  /** A new credential; its token is in this answer only. */
  async issue(input: { name: string; owner: string; ttlSeconds: number }): Promise<CredentialResponse & { token: string }> {
    const id = this.ids.next();
    const now = new Date();
    const { token, secretHash } = newToken(id);
    const credential = await this.db.credential.create({
      data: {
        id,
        name: input.name,
        owner: input.owner,
        secretHash,
        expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
        createdAt: now,
        audit: { create: { id: this.ids.next(), action: 'created', outcome: 'ok', at: now } },
      },
    });
    return { ...toCredentialResponse(credential), token };
  }

  async get(id: string): Promise<CredentialResponse> {
    const credential = await this.db.credential.findUnique({ where: { id } });
    if (!credential) throw new CredentialNotFoundError(id);
    return toCredentialResponse(credential);
  }

  /** Revokes at once (idempotent: revoking again keeps the first revocation time). */
  async revoke(id: string): Promise<CredentialResponse> {
    const now = new Date();
    const { count } = await this.db.credential.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    const credential = await withReadConsistency('primary', () => this.db.credential.findUnique({ where: { id } }));
    if (!credential) throw new CredentialNotFoundError(id);
    if (count === 1) await this.audit(id, 'revoked', 'ok', now);
    return toCredentialResponse(credential);
  }

  /** Whether a token is valid now; every check, accepted or refused, joins the trail. */
  async check(token: string): Promise<CheckResponse> {
    const now = new Date();
    const parsed = parseToken(token);
    if (!parsed) return this.refuse(null, 'malformed', now);
    const credential = await withReadConsistency('primary', () => this.db.credential.findUnique({ where: { id: parsed.credentialId } }));
    if (!credential) return this.refuse(null, 'unknown', now);
    if (!secretMatches(parsed.secret, credential.secretHash)) return this.refuse(credential.id, 'wrong-secret', now);
    if (credential.revokedAt !== null) return this.refuse(credential.id, 'revoked', now);
    if (credential.expiresAt.getTime() <= now.getTime()) return this.refuse(credential.id, 'expired', now);
    await this.audit(credential.id, 'checked', 'accepted', now);
    return { valid: true, credentialId: credential.id, owner: credential.owner, expiresAt: credential.expiresAt.toISOString() };
  }

  /** A credential's trail, newest first, `limit` at a time. */
  async auditTrail(id: string, query: { limit: number; cursor?: string }): Promise<Page<AuditEntryResponse>> {
    const after = query.cursor === undefined ? undefined : auditCursor.decode(query.cursor);
    const [credential, rows] = await Promise.all([
      this.db.credential.findUnique({ where: { id }, select: { id: true } }),
      this.db.auditEntry.findMany({
        where: { credentialId: id, ...(after ? { id: { lt: after.id } } : {}) },
        orderBy: { id: 'desc' },
        take: query.limit + 1,
      }),
    ]);
    if (!credential) throw new CredentialNotFoundError(id);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(toAuditEntryResponse), nextCursor: rows.length > query.limit && last ? auditCursor.encode(last) : null };
  }

  private async refuse(
    credentialId: string | null,
    reason: Exclude<CheckResponse, { valid: true }>['reason'],
    now: Date,
  ): Promise<CheckResponse> {
    await this.audit(credentialId, 'checked', reason, now);
    return { valid: false, reason };
  }

  private async audit(credentialId: string | null, action: string, outcome: string, at: Date): Promise<void> {
    await this.db.auditEntry.create({ data: { id: this.ids.next(), credentialId, action, outcome, at } });
  }
}
