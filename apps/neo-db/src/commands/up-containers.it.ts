import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerRuntimeAvailable } from '@neo/topology-runtime';

const engine = await containerRuntimeAvailable();
if (!engine) console.log('up-containers.it.ts skipped: no container engine answers (npm run containers:setup starts one)');

/** The label the runtime puts on every container of a run (libs/topology-runtime/README.md, "Clean-up"). */
const OWNER_LABEL = 'neo.topology-runtime.owner';

/** `npm start -- --provider testcontainers` without the services: up in containers, and Ctrl-C leaves nothing behind. */
describe.skipIf(!engine)('neo-db up --provider testcontainers', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'neo-up-containers-'));
    chmodSync(workDir, 0o755);
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('runs every server and PgBouncer in containers, and on Ctrl-C removes each container and the network before it exits', async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        join(root, 'tools/typescript-sources.mjs'),
        join(root, 'apps/neo-db/src/main.ts'),
        'up',
        '--no-services',
        '--provider',
        'testcontainers',
      ],
      {
        cwd: root,
        // Any free port for the PgBouncer metrics: a fixed one may be taken on a shared machine.
        env: { ...process.env, NEO_DATA_DIR: join(workDir, 'data'), NEO_PGBOUNCER_METRICS_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const exited = once(child, 'exit');
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('press Ctrl-C to stop')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(([code]) => reject(new Error(`neo-db up exited (${String(code)}) before it was up:\n${output}`)));
    });

    const runId = /testcontainers: image \S+, run (\S+)/.exec(output)?.[1];
    expect(runId).toBeTruthy();
    const endpoints = JSON.parse(readFileSync(join(workDir, 'endpoints.json'), 'utf8')) as Record<string, unknown>;
    const { getContainerRuntimeClient } = await import('testcontainers');
    const { dockerode } = (await getContainerRuntimeClient()).container;
    const ofRun = async () => ({
      containers: await dockerode.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${runId}`] } }),
      networks: await dockerode.listNetworks({ filters: { name: [`neo-${runId}`] } }),
    });
    // One container per server and per PgBouncer (where its image was built, else PgBouncer is a local program).
    const running = await ofRun();
    const pgbouncerContainers = running.containers.filter((c) => c.Image.startsWith('neo-pgbouncer')).length;
    expect(running.containers.length - pgbouncerContainers).toBe(Object.keys(endpoints).filter((key) => key.includes('/')).length);
    expect(running.networks).toHaveLength(1);

    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('everything stopped');
    // Removed by neo-db itself before it exited, not later by the watchdog.
    expect(await ofRun()).toEqual({ containers: [], networks: [] });
  }, 300_000);
});
