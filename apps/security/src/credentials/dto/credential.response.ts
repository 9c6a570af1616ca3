import type { AuditEntry, Credential } from '../../generated/prisma/client.js';

/** A credential as the API returns it: never its secret or hash. */
export interface CredentialResponse {
  id: string;
  name: string;
  owner: string;
  expiresAt: string;
  revokedAt: string | null;
  createdAt: string;
}

/** The answer of a check: `valid`, or why not. Never an error status: an invalid token is a normal answer. */
export type CheckResponse =
  | { valid: true; credentialId: string; owner: string; expiresAt: string }
  | { valid: false; reason: 'malformed' | 'unknown' | 'wrong-secret' | 'expired' | 'revoked' };

export interface AuditEntryResponse {
  id: string;
  action: string;
  outcome: string;
  at: string;
}

export function toCredentialResponse(credential: Credential): CredentialResponse {
  return {
    id: credential.id,
    name: credential.name,
    owner: credential.owner,
    expiresAt: credential.expiresAt.toISOString(),
    revokedAt: credential.revokedAt?.toISOString() ?? null,
    createdAt: credential.createdAt.toISOString(),
  };
}

export function toAuditEntryResponse(entry: AuditEntry): AuditEntryResponse {
  return { id: entry.id, action: entry.action, outcome: entry.outcome, at: entry.at.toISOString() };
}
