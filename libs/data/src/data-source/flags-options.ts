import type { FlagProvider } from '../flags/flag-provider.js';
import { FlagsError } from '../flags/flags.error.js';

/**
 * Where a service's `UseShardedDatabase.<service>.reads|writes` flags come from, and so whether
 * its calls switch between the monolith and its own database:
 * - `{ provider: 'file', path? }`: the local flags file (default `$NEO_FLAGS_FILE`, else config/flags.yaml);
 * - `{ provider: 'unleash', url, clientToken }`: an Unleash server (`url` is its API, `…/api`);
 * - `{ instance }`: a provider made by the caller (tests); the data module does not close it;
 * - `false`: no flags: every call goes to the service's own database (no monolith side).
 */
export type DataFlagsOptions =
  | false
  | { readonly provider: 'file'; readonly path?: string }
  | {
      readonly provider: 'unleash';
      readonly url: string;
      /** A backend (client) token. Never logged. */
      readonly clientToken: string;
      readonly refreshIntervalMs?: number;
      /** Where the last values received are kept for the next start (default `<tmp>/neo-flags`). */
      readonly backupDir?: string;
    }
  | { readonly instance: FlagProvider };

/** The environment variables `flagsOptionsFromEnv` reads. */
export const FLAGS_ENV = {
  /** `off` | `file` | `unleash`. */
  kind: 'NEO_FLAGS',
  file: 'NEO_FLAGS_FILE',
  unleashUrl: 'NEO_UNLEASH_URL',
  unleashToken: 'NEO_UNLEASH_TOKEN',
  backupDir: 'NEO_FLAGS_BACKUP_DIR',
} as const;

/**
 * The flags settings of a service from its environment, for a `DataModule` given no `flags`:
 * - `NEO_FLAGS=file` (or `NEO_FLAGS_FILE` set on its own): the file provider;
 * - `NEO_FLAGS=unleash` with `NEO_UNLEASH_URL` and `NEO_UNLEASH_TOKEN`: Unleash;
 * - nothing set, or `NEO_FLAGS=off`: no flags, the service's own database only.
 *
 * Off by default because a library user who configured nothing expects the database the
 * topology names for the service; `neo-db up` (the operator path, where services start on the
 * monolith and move out) always sets `NEO_FLAGS`.
 */
export function flagsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DataFlagsOptions {
  const kind = (env[FLAGS_ENV.kind] ?? '').trim().toLowerCase();
  const file = env[FLAGS_ENV.file] || undefined;
  if (kind === '') return file ? { provider: 'file', path: file } : false;
  if (kind === 'off' || kind === 'false' || kind === 'none') return false;
  if (kind === 'file') return file ? { provider: 'file', path: file } : { provider: 'file' };
  if (kind === 'unleash') {
    const url = env[FLAGS_ENV.unleashUrl];
    const clientToken = env[FLAGS_ENV.unleashToken];
    if (!url || !clientToken) {
      throw new FlagsError(
        'FLAGS_PROVIDER_MISCONFIGURED',
        `${FLAGS_ENV.kind}=unleash needs ${FLAGS_ENV.unleashUrl} (the Unleash API, e.g. http://127.0.0.1:4242/api) and ${FLAGS_ENV.unleashToken} (a backend token); ${!url ? FLAGS_ENV.unleashUrl : FLAGS_ENV.unleashToken} is not set.`,
      );
    }
    const backupDir = env[FLAGS_ENV.backupDir] || undefined;
    return { provider: 'unleash', url, clientToken, ...(backupDir ? { backupDir } : {}) };
  }
  throw new FlagsError(
    'FLAGS_PROVIDER_MISCONFIGURED',
    `${FLAGS_ENV.kind} must be one of off, file, unleash (got ${JSON.stringify(env[FLAGS_ENV.kind])}).`,
  );
}
