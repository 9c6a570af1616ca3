// `npm start`: build the workspace, then run `neo-db up` with the arguments given after `--`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Ctrl-C reaches neo-db directly (same process group); this wrapper waits for it to finish stopping.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

const root = fileURLToPath(new URL('../..', import.meta.url));
// neo-db's "ready in N s" counts from here, the build included.
const env = { ...process.env, NEO_STARTED_AT: process.env.NEO_STARTED_AT ?? String(Date.now()) };
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });

const build = run(['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json']);
if (build.status !== 0) process.exit(build.status ?? 1);
const up = run(['--enable-source-maps', 'apps/neo-db/dist/main.js', 'up', ...process.argv.slice(2)]);
process.exit(up.status ?? 1);
