// `npm run containers:setup`: makes the testcontainers provider usable on this machine.
//
// Where a container engine answers and the official `postgres:15` image can be had, it does nothing.
// Otherwise, as root on Debian/Ubuntu: installs the engine (`docker.io`) when none is installed, starts
// `dockerd` when none answers, and builds the images locally from Debian packages (debootstrap +
// docker import), because no image registry may be reachable: PostgreSQL 15, and PgBouncer 1.18 on
// the same root file system (for topologies that ask for PgBouncer). The built images are the cache:
// a second run finds them and skips the build, unless the recipe (packages, entrypoints) changed.
// Every step says how long it took.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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
/** The image the provider runs PgBouncer from (see libs/topology-runtime/src/testcontainers/pgbouncer-container.ts). */
const PGBOUNCER_IMAGE = 'neo-pgbouncer:1.18-bookworm';
const OFFICIAL_IMAGE = 'postgres:15';
const DOCKERD_LOG = '/var/log/neo-dockerd.log';
/** The images' entrypoints, beside this script. */
const ENTRYPOINTS = {
  '/usr/local/bin/docker-entrypoint.sh': fileURLToPath(new URL('./containers/postgres-entrypoint.sh', import.meta.url)),
  '/usr/local/bin/pgbouncer-entrypoint.sh': fileURLToPath(new URL('./containers/pgbouncer-entrypoint.sh', import.meta.url)),
};
const PACKAGES = ['postgresql-15', 'pgbouncer', 'gosu'];
const CACHE_DIR = '/var/cache/neo-containers';
/** debootstrap's result is kept here, so a failed or repeated import does not download it again. */
const ROOTFS_CACHE = path.join(CACHE_DIR, `rootfs-bookworm-${PACKAGES.join('-')}`);
/** Packages and entrypoints: an image whose label differs was built from another recipe and is built again. */
const RECIPE = createHash('sha256')
  .update(JSON.stringify(PACKAGES))
  .update(
    Object.values(ENTRYPOINTS)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\0'),
  )
  .digest('hex')
  .slice(0, 12);
const RECIPE_LABEL = 'neo.containers.recipe';

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
/** Present and built from this recipe. */
const imageCurrent = (image) =>
  quiet('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${RECIPE_LABEL}"}}`, image]).stdout?.trim() === RECIPE;
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
} else if (imageCurrent(LOCAL_IMAGE) && imageCurrent(PGBOUNCER_IMAGE)) {
  log(`${LOCAL_IMAGE} and ${PGBOUNCER_IMAGE} are cached on this machine (recipe ${RECIPE}), nothing to build`);
} else if (
  !imagePresent(LOCAL_IMAGE) &&
  (await step(`try to pull ${OFFICIAL_IMAGE}`, () => quiet('docker', ['pull', '-q', OFFICIAL_IMAGE], { timeout: 60_000 }).status === 0))
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

function listDir(dir, pattern = /\.(list|sources)$/) {
  try {
    return readdirSync(dir).filter((name) => pattern.test(name));
  } catch {
    return [];
  }
}

async function buildLocalImage() {
  if (quiet('sh', ['-c', 'command -v debootstrap']).status !== 0) {
    await step('install debootstrap (apt-get)', () => run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'debootstrap']));
  }
  // Root file systems of other recipes (other package lists) are not used again; a build under way
  // (a staging folder, with /proc mounted inside while debootstrap runs) is left alone.
  for (const name of listDir(CACHE_DIR, /^rootfs-(?!.*-staging-)/)) {
    if (path.join(CACHE_DIR, name) !== ROOTFS_CACHE) rmSync(path.join(CACHE_DIR, name), { recursive: true, force: true });
  }
  if (
    !existsSync(path.join(ROOTFS_CACHE, 'usr/lib/postgresql/15/bin/postgres')) ||
    !existsSync(path.join(ROOTFS_CACHE, 'usr/sbin/pgbouncer'))
  ) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const staging = mkdtempSync(`${ROOTFS_CACHE}-staging-`);
    try {
      const mirror = debianMirror();
      await step(`debootstrap bookworm with ${PACKAGES.join(', ')} (${mirror})`, () =>
        run('debootstrap', ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', staging, mirror], {
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
      // The Debian packages' own cluster and settings, docs, downloaded packages and apt lists are not needed in the image.
      for (const dir of [
        'var/lib/postgresql/15',
        'etc/postgresql/15',
        'etc/pgbouncer',
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
  for (const [target, source] of Object.entries(ENTRYPOINTS)) {
    const file = path.join(ROOTFS_CACHE, target);
    copyFileSync(source, file);
    chmodSync(file, 0o755);
  }
  const label = `LABEL ${RECIPE_LABEL}=${RECIPE}`;
  // The images of an older recipe are removed once replaced (an image still in use stays).
  const replaced = [LOCAL_IMAGE, PGBOUNCER_IMAGE].map((image) =>
    quiet('docker', ['image', 'inspect', '--format', '{{.Id}}', image]).stdout?.trim(),
  );
  await step(`docker import as ${LOCAL_IMAGE}`, () => {
    const changes = [
      'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'ENV PGDATA=/var/lib/postgresql/data',
      'ENV LANG=C.UTF-8',
      label,
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
  // The same file system with PgBouncer's entrypoint: a commit of an unstarted container changes only the settings.
  await step(`${PGBOUNCER_IMAGE} from ${LOCAL_IMAGE}`, () => {
    const created = quiet('docker', ['create', LOCAL_IMAGE]);
    if (created.status !== 0) fail(`docker create ${LOCAL_IMAGE} failed: ${created.stderr.trim()}`);
    const container = created.stdout.trim();
    try {
      const changes = [
        label,
        'ENTRYPOINT ["/usr/local/bin/pgbouncer-entrypoint.sh"]',
        'CMD ["/etc/neo-pgbouncer/pgbouncer.ini"]',
        'EXPOSE 6432',
      ].flatMap((change) => ['--change', change]);
      run('docker', ['commit', ...changes, container, PGBOUNCER_IMAGE], { stdio: ['ignore', 'ignore', 'inherit'] });
    } finally {
      quiet('docker', ['rm', '-f', container]);
    }
  });
  for (const id of replaced) if (id) quiet('docker', ['image', 'rm', id]);
}

function shellQuote(word) {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
