import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677).
 * Roles are created with this instead of the password itself, as psql's
 * `\password` does, so the plain password never appears in the server's
 * statement statistics or error logs.
 */
export function scramSha256Verifier(password: string, iterations = 4096, salt: Buffer = randomBytes(16)): string {
  // PostgreSQL applies SASLprep; NFKC normalisation is its core and equal for every ASCII password.
  const salted = pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Whether `stored` (a role's `pg_authid.rolpassword`) is the SCRAM-SHA-256 verifier of `password`. */
export function scramVerifierMatches(stored: string | null | undefined, password: string): boolean {
  const parts = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored ?? '');
  if (!parts) return false;
  return scramSha256Verifier(password, Number(parts[1]), Buffer.from(parts[2]!, 'base64')) === stored;
}

/**
 * The password clause of `create`/`alter role` that makes the role's password `password`, or an
 * empty clause when the role already has exactly that password. A new verifier (a new salt) for
 * an unchanged password would break what holds the old one: PgBouncer logs in to the servers with
 * the verifiers it read at start.
 */
export function passwordClause(
  escapeLiteral: (text: string) => string,
  password: string | undefined,
  stored: string | null | undefined,
): string {
  if (password === undefined) return 'password null';
  if (scramVerifierMatches(stored, password)) return '';
  return `password ${escapeLiteral(scramSha256Verifier(password))}`;
}
