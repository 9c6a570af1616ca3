// `npm run test:containers`: the integration tests that matter most, once more against containers
// (the testcontainers provider): the runtime's own provider tests and clean-up proof (primaries,
// streaming replicas, PgBouncer, stop/start, wipe), replica routing with its fault tests (paused and
// stopped replicas, a stopped primary), sharding, a cutover of a sharded service under load, and
// `neo-db up` in containers stopped by Ctrl-C. Needs a container engine and the images:
// `npm run containers:setup` prepares both. Prints which provider ran and how long each part took.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const env = { ...process.env, NEO_TEST_PROVIDER: 'testcontainers', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const suites = [
  {
    project: 'libs/topology-runtime',
    files: ['src/testcontainers/testcontainers-provider.it.ts', 'src/testcontainers/container-cleanup.it.ts'],
  },
  {
    project: 'libs/data',
    // The cutover's subscriptions connect server to server by the containers' network aliases.
    files: ['src/replication/replica-set.it.ts', 'src/sharding/sharded-client.it.ts', 'src/cutover/cutover-sharded.it.ts'],
  },
  {
    project: 'apps/neo-db',
    // npm start -- --provider testcontainers (without the services): up, and Ctrl-C removes everything.
    files: ['src/commands/up-containers.it.ts'],
  },
];

const engine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
if (engine.status !== 0) {
  console.error('test:containers: no container engine answers; run `npm run containers:setup` first (or start Docker).');
  process.exit(1);
}
console.log(`test:containers: provider testcontainers (engine ${engine.stdout.trim()})`);
const started = performance.now();
let failed = 0;
for (const suite of suites) {
  const begin = performance.now();
  const result = spawnSync(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, 'run', ...suite.files], {
    cwd: `${root}${suite.project}`,
    env,
    stdio: 'inherit',
  });
  console.log(
    `test:containers: ${suite.project} ${result.status === 0 ? 'passed' : 'FAILED'} in ${((performance.now() - begin) / 1000).toFixed(1)} s`,
  );
  if (result.status !== 0) failed++;
}
console.log(
  `test:containers: ${failed ? `${failed} suite(s) failed` : 'all passed'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
process.exit(failed ? 1 : 0);
