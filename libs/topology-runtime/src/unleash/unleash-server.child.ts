// Runs one unleash-server in its own process (started by `startUnleashServer`, never imported).
// unleash-server installs process-wide handlers and schedulers and logs a lot; a child process
// keeps all of that out of the test process, and killing it leaves nothing behind.
//
// Input (environment): NEO_UNLEASH_DATABASE_URL, NEO_UNLEASH_DATABASE_TLS (JSON of a cluster's `tls`:
// verified TLS as @neo/topology's verifyFull does it), NEO_UNLEASH_PORT, and unleash-server's own
// INIT_ADMIN_API_TOKENS / INIT_BACKEND_API_TOKENS. Output (IPC): { type: 'ready' } or
// { type: 'failed', message }.
import { readFileSync } from 'node:fs';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { start } from 'unleash-server';

interface ChildMessage {
  readonly type: 'ready' | 'failed';
  readonly message?: string;
}

function report(message: ChildMessage): void {
  process.send?.(message);
}

const databaseUrl = process.env['NEO_UNLEASH_DATABASE_URL'];
const port = Number(process.env['NEO_UNLEASH_PORT']);
const tls = process.env['NEO_UNLEASH_DATABASE_TLS'];

/** sslmode=verify-full: the CA, and the server's name (node-postgres would check IP hosts against "localhost"). */
function verifiedTls(
  url: string,
  settings: { ca?: string; cert?: string; key?: string; serverName?: string },
): {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  checkServerIdentity: ConnectionOptions['checkServerIdentity'];
} {
  const expected = settings.serverName ?? new URL(url).hostname;
  return {
    rejectUnauthorized: true,
    ...(settings.ca ? { ca: readFileSync(settings.ca, 'utf8') } : {}),
    ...(settings.cert ? { cert: readFileSync(settings.cert, 'utf8') } : {}),
    ...(settings.key ? { key: readFileSync(settings.key, 'utf8') } : {}),
    checkServerIdentity: (_name, certificate) => checkServerIdentity(expected, certificate),
  };
}

// The parent going away (test runner crash, Ctrl-C) closes the IPC channel: follow it out.
process.on('disconnect', () => process.exit(0));

try {
  if (!databaseUrl || !Number.isInteger(port)) throw new Error('NEO_UNLEASH_DATABASE_URL and NEO_UNLEASH_PORT must be set');
  // Only errors reach the parent (which keeps them for the message of a failed start).
  const ignore = (): void => undefined;
  const quiet = { debug: ignore, info: ignore, warn: ignore, error: console.error, fatal: console.error };
  const instance = await start({
    databaseUrl,
    db: { ssl: tls ? verifiedTls(databaseUrl, JSON.parse(tls) as Record<string, string>) : false },
    server: { port, host: '127.0.0.1' },
    versionCheck: { enable: false },
    telemetry: false,
    getLogger: () => quiet,
  });
  const shutDown = () => {
    void instance.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
  report({ type: 'ready' });
} catch (error) {
  report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
