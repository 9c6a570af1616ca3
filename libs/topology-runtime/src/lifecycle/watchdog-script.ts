/**
 * `ownerAlive()` as source text for the watchdog programs (PostgreSQL servers here, containers in
 * testcontainers/): needs `fs` and `ownerPid` in scope.
 */
export const OWNER_ALIVE_SOURCE = String.raw`
function ownerAlive() {
  try { process.kill(ownerPid, 0); } catch { return false; }
  try {
    // A killed owner that its parent has not reaped yet is a zombie: dead for our purpose.
    const stat = fs.readFileSync('/proc/' + ownerPid + '/stat', 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch { return true; }
}`;

/**
 * The program the watchdog runs, as CommonJS source for `node -e`: a separate
 * Node process that outlives its owner when the owner is killed (SIGKILL, OOM)
 * and then stops the owner's PostgreSQL servers. Kept as source text so it runs
 * the same from the TypeScript sources and from the built library.
 *
 * argv: <owner pid> <registry file>. The registry (JSON) is kept current by the
 * owner: { pgCtl, uid?, gid?, servers: [{ dataDir, removeDir? }] }.
 */
export const WATCHDOG_SCRIPT = String.raw`
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const ownerPid = Number(process.argv[1]);
const registryFile = process.argv[2];

${OWNER_ALIVE_SOURCE}

function readRegistry() {
  try { return JSON.parse(fs.readFileSync(registryFile, 'utf8')); } catch { return undefined; }
}

function stopServer(registry, server) {
  const ids = registry.uid === undefined ? {} : { uid: registry.uid, gid: registry.gid };
  const result = spawnSync(registry.pgCtl, ['stop', '--pgdata', server.dataDir, '--mode=fast', '--wait', '--timeout=30', '--silent'], { stdio: 'ignore', ...ids });
  if (result.status !== 0) {
    // pg_ctl could not do it: signal the postmaster directly (SIGINT is a fast shutdown).
    try { process.kill(Number(fs.readFileSync(server.dataDir + '/postmaster.pid', 'utf8').split('\n')[0]), 'SIGINT'); } catch {}
  }
}

const timer = setInterval(() => {
  if (ownerAlive()) return;
  clearInterval(timer);
  const registry = readRegistry();
  if (registry) {
    for (const server of registry.servers) stopServer(registry, server);
    // Throwaway directories go only after every server in them is down.
    for (const dir of new Set(registry.servers.map((server) => server.removeDir).filter(Boolean))) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  fs.rmSync(registryFile, { force: true });
}, 250);
`;
