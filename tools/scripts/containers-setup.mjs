// `npm run containers:setup`: makes the testcontainers provider usable on this machine.
//
// Where a container engine answers and the official `postgres:15` image can be had, it does nothing.
// Otherwise, as root on Debian/Ubuntu: installs the engine (`docker.io`) when none is installed, starts
// `dockerd` when none answers, and builds the PostgreSQL 15 image locally from Debian packages
// (debootstrap + docker import), because no image registry may be reachable. The built image is the
// cache: a second run finds it and skips the build. Every step says how long it took.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The image the testcontainers provider prefers when present (see libs/topology-runtime/src/testcontainers/postgres-image.ts). */
const LOCAL_IMAGE = 'neo-postgres:15-bookworm';
const OFFICIAL_IMAGE = 'postgres:15';
const DOCKERD_LOG = '/var/log/neo-dockerd.log';
/** The image's entrypoint, beside this script. */
const ENTRYPOINT = fileURLToPath(new URL('./containers/postgres-entrypoint.sh', import.meta.url));
/** debootstrap's result is kept here, so a failed or repeated import does not download it again. */
const ROOTFS_CACHE = '/var/cache/neo-containers/rootfs-bookworm-postgresql-15';

const started = performance.now();
const log = (line) => console.log(`containers:setup: ${line}`);

/** Runs one named step and prints its duration. */
async function step(name, action) {
  const begin = performance.now();
  const result = await action();
  log(`${name}: ${((performance.now() - begin) / 1000).toFixed(1)} s`);
  return result;
}

function fail(message) {
  console.error(`containers:setup: ${message}`);
  process.exit(1);
}

function quiet(program, args, options = {}) {
  return spawnSync(program, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

const engineAnswers = () => quiet('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 }).status === 0;
const imagePresent = (image) => quiet('docker', ['image', 'inspect', image]).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

if (quiet('docker', ['--version']).status !== 0 || !existsDockerd()) {
  if (!isRoot) fail('no container engine is installed; install Docker (or Podman with its Docker socket), or run this as root on Debian.');
  await step('install docker.io (apt-get)', () => {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'docker.io']);
  });
}

if (!engineAnswers()) {
  if (!isRoot) fail('no container engine answers; start Docker (or set DOCKER_HOST), or run this as root to start dockerd.');
  await step('start dockerd', () => startDockerd());
} else {
  log(`an engine answers (docker ${quiet('docker', ['version', '--format', '{{.Server.Version}}']).stdout.trim()})`);
}

if (imagePresent(OFFICIAL_IMAGE)) {
  log(`${OFFICIAL_IMAGE} is present: the provider uses the official image, nothing to build`);
} else if (imagePresent(LOCAL_IMAGE)) {
  log(`${LOCAL_IMAGE} is cached on this machine, nothing to build`);
} else if (
  await step(`try to pull ${OFFICIAL_IMAGE}`, () => quiet('docker', ['pull', '-q', OFFICIAL_IMAGE], { timeout: 60_000 }).status === 0)
) {
  log(`pulled ${OFFICIAL_IMAGE}: a registry is reachable, the provider uses the official image`);
} else {
  if (!isRoot) fail(`no registry answers and building ${LOCAL_IMAGE} needs root (debootstrap).`);
  await buildLocalImage();
}
log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

function existsDockerd() {
  return quiet('sh', ['-c', 'command -v dockerd']).status === 0;
}

function run(program, args, options = {}) {
  const result = spawnSync(program, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) fail(`${program} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

async function startDockerd() {
  const out = openSync(DOCKERD_LOG, 'a');
  // overlay2 is the fast driver; the engine keeps running after this script ends (stop it with `pkill -x dockerd` or its pid file).
  const daemon = spawn('dockerd', ['--storage-driver=overlay2'], { detached: true, stdio: ['ignore', out, out] });
  daemon.unref();
  for (let waited = 0; waited < 60_000; waited += 250) {
    if (engineAnswers()) {
      log(`dockerd runs (pid ${daemon.pid}, log ${DOCKERD_LOG})`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`dockerd did not answer within 60 s; see ${DOCKERD_LOG}`);
}

/** The Debian mirror the machine's own apt sources name, so the build uses what apt can reach. */
function debianMirror() {
  const files = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').map((name) => path.join('/etc/apt/sources.list.d', name))];
  for (const file of files) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const uris = /^URIs:\s*(\S+)/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+\s+main/m.exec(text);
    if (uris?.[1] && !uris[1].includes('security')) return uris[1];
  }
  return 'http://deb.debian.org/debian';
}

function listDir(dir) {
  try {
    return readdirSync(dir).filter((name) => /\.(list|sources)$/.test(name));
  } catch {
    return [];
  }
}

async function buildLocalImage() {
  if (quiet('sh', ['-c', 'command -v debootstrap']).status !== 0) {
    await step('install debootstrap (apt-get)', () => run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'debootstrap']));
  }
  if (!existsSync(path.join(ROOTFS_CACHE, 'usr/lib/postgresql/15/bin/postgres'))) {
    mkdirSync(path.dirname(ROOTFS_CACHE), { recursive: true });
    const staging = mkdtempSync(`${ROOTFS_CACHE}-staging-`);
    try {
      const mirror = debianMirror();
      await step(`debootstrap bookworm with postgresql-15 and gosu (${mirror})`, () =>
        run('debootstrap', ['--variant=minbase', '--include=postgresql-15,gosu', 'bookworm', staging, mirror], {
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
      // The Debian package's own cluster, docs, downloaded packages and apt lists are not needed in the image.
      for (const dir of [
        'var/lib/postgresql/15',
        'etc/postgresql/15',
        'var/cache/apt',
        'var/lib/apt/lists',
        'usr/share/doc',
        'usr/share/man',
      ]) {
        rmSync(path.join(staging, dir), { recursive: true, force: true });
      }
      renameSync(staging, ROOTFS_CACHE);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  } else {
    log(`using the cached root file system ${ROOTFS_CACHE}`);
  }
  const entrypoint = path.join(ROOTFS_CACHE, 'usr/local/bin/docker-entrypoint.sh');
  copyFileSync(ENTRYPOINT, entrypoint);
  chmodSync(entrypoint, 0o755);
  await step(`docker import as ${LOCAL_IMAGE}`, () => {
    const changes = [
      'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'ENV PGDATA=/var/lib/postgresql/data',
      'ENV LANG=C.UTF-8',
      'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
      'CMD ["postgres"]',
      'EXPOSE 5432',
    ].flatMap((change) => ['--change', change]);
    // bash for pipefail: a failing tar must fail the step.
    run('bash', [
      '-c',
      `set -o pipefail; tar -C "$1" -c . | docker import ${changes.map(shellQuote).join(' ')} - "$2" >/dev/null`,
      'bash',
      ROOTFS_CACHE,
      LOCAL_IMAGE,
    ]);
  });
}

function shellQuote(word) {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
