import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WorkspacePaths } from './workspace-paths.js';

/** A secret a service needs that is not a database password (those come from the topology). */
export interface ServiceSecret {
  /** The topology service that reads it. */
  service: string;
  /** The environment variable the service reads. */
  env: string;
  /** Its file beside the local data. */
  file: string;
  make(): string;
}

/** Every such secret; deploy files reference them (`neo-db render`), `neo-db up` makes local ones. */
export const SERVICE_SECRETS: readonly ServiceSecret[] = [
  // The key management service's master key: 32 random bytes, base64.
  {
    service: 'keymanagement',
    env: 'NEO_KEYMANAGEMENT_MASTER_KEY',
    file: 'keymanagement-master-key',
    make: () => randomBytes(32).toString('base64'),
  },
  // The security service's master key, wrapping its secrets' data keys: its own, so neither service can open the other's data.
  { service: 'security', env: 'NEO_SECURITY_MASTER_KEY', file: 'security-master-key', make: () => randomBytes(32).toString('base64') },
];

/**
 * The secrets the services `neo-db up` starts need, for a laptop: each one the environment does
 * not set is made once per local topology and kept beside its data (mode 0600), so data encrypted
 * under it stays readable across restarts; `--wipe` does not remove it. Production sets them.
 */
export function localServiceSecrets(paths: WorkspacePaths, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const secret of SERVICE_SECRETS) {
    const given = env[secret.env];
    if (given) {
      secrets[secret.env] = given;
      continue;
    }
    const path = join(dirname(paths.localDataDir), secret.file);
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${secret.make()}\n`, { mode: 0o600, flag: 'wx' });
    }
    secrets[secret.env] = readFileSync(path, 'utf8').trim();
  }
  return secrets;
}
