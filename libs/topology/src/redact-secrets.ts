import { parseConnectionString } from './connection-string.js';

/** What stands in for a secret in anything meant for people or logs. */
export const REDACTED = '***';

const PASSWORD_KEY = /pass(word)?|passwd|pwd|secret|token/i;

/**
 * Collects every value in a (raw) topology that is or holds a password: values under
 * password-like keys, and the password part of connection strings and URLs.
 */
export function collectSecrets(value: unknown, key = ''): Set<string> {
  const found = new Set<string>();
  const visit = (v: unknown, k: string): void => {
    if (typeof v === 'string') {
      if (PASSWORD_KEY.test(k) && v.length > 0) found.add(v);
      const parsed = parseConnectionString(v);
      if (parsed.ok && parsed.value.password) found.add(parsed.value.password);
    } else if (Array.isArray(v)) {
      for (const item of v) visit(item, k);
    } else if (v !== null && typeof v === 'object') {
      for (const [childKey, child] of Object.entries(v)) visit(child, childKey);
    }
  };
  visit(value, key);
  return found;
}

/** True for an environment variable whose value is a secret by its name. */
export function isSecretVariable(name: string): boolean {
  return PASSWORD_KEY.test(name);
}

/**
 * Replaces each secret with `***` wherever it stands as a whole token (not inside a longer
 * word, so a short password such as `neo` does not shred `neo_core_user`).
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`, 'g'), REDACTED);
  }
  return out;
}
