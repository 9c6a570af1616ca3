import { spawn } from 'node:child_process';
import { OWNER_ALIVE_SOURCE } from '../lifecycle/watchdog-script.js';

/** How the watchdog reaches the engine: its Unix socket, or host and port (plain HTTP). */
export interface EngineAddress {
  socketPath?: string;
  host?: string;
  port?: number;
}

/** The label every container and network of one run carries, so its clean-up finds exactly those. */
export const OWNER_LABEL = 'neo.topology-runtime.owner';

/** The container network of one run: its name carries the run id (networks get no labels of ours). */
export function networkNameFor(runId: string): string {
  return `neo-${runId}`;
}

/**
 * testcontainers' reaper (Ryuk) is an image that cannot be pulled without a registry. This does
 * its job for the runtime's own containers: a detached Node process that waits for its owner to
 * end (stop, exit, crash or SIGKILL) and then removes every container and network labelled with
 * the owner's run id, through the engine's HTTP API. After a clean `stop()` it finds nothing left.
 */
export function startContainerWatchdog(runId: string, engine: EngineAddress): void {
  const watchdog = spawn(process.execPath, ['-e', CONTAINER_WATCHDOG_SCRIPT, String(process.pid), JSON.stringify({ runId, engine })], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env['PATH'] ?? '' },
  });
  watchdog.unref();
}

/** CommonJS source for `node -e`; argv: <owner pid> <{ runId, engine }>. */
const CONTAINER_WATCHDOG_SCRIPT = String.raw`
const http = require('node:http');
const fs = require('node:fs');
const ownerPid = Number(process.argv[1]);
const { runId, engine } = JSON.parse(process.argv[2]);
const filters = encodeURIComponent(JSON.stringify({ label: ['${OWNER_LABEL}=' + runId] }));
const networkFilters = encodeURIComponent(JSON.stringify({ name: ['neo-' + runId] }));

${OWNER_ALIVE_SOURCE}

function request(method, path) {
  return new Promise((resolve) => {
    const target = engine.socketPath ? { socketPath: engine.socketPath } : { host: engine.host, port: engine.port };
    const req = http.request({ ...target, method, path }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch { resolve(undefined); } });
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

async function removeEverything() {
  const containers = (await request('GET', '/containers/json?all=true&filters=' + filters)) || [];
  await Promise.all(containers.map((c) => request('DELETE', '/containers/' + c.Id + '?force=true&v=true')));
  const networks = (await request('GET', '/networks?filters=' + networkFilters)) || [];
  await Promise.all(networks.map((n) => request('DELETE', '/networks/' + n.Id)));
}

const timer = setInterval(() => {
  if (ownerAlive()) return;
  clearInterval(timer);
  removeEverything().finally(() => process.exit(0));
}, 250);
`;
