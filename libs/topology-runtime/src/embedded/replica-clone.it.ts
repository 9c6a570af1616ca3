import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTopology } from '../start-topology.js';
import { eventually, queryRows, removeDataDir } from '../test-support/pg-helpers.js';
import { sampleTopology } from '../test-support/sample-topology.js';
import type { RunningTopology, StartTopologyOptions } from '../topology-runtime.types.js';
import { findPgBasebackup } from './postgres-binaries.js';

const topology = sampleTopology();
const core = topology.clusters['core']!;
const login = { user: core.credentials.user, password: core.credentials.password, database: 'neo_storage' };

/**
 * Replicas added to a primary that already has data are cloned while it runs:
 * with pg_basebackup where installed, otherwise by the backup API plus a file
 * copy (a laptop with nothing but the npm packages). Both must stream.
 */
describe.each([
  { method: 'copy' as const, available: true },
  { method: 'pg_basebackup' as const, available: (await findPgBasebackup()) !== undefined },
])('replicas cloned from a running primary ($method)', ({ method, available }) => {
  const dirs: string[] = [];
  let running: RunningTopology | undefined;
  afterAll(async () => {
    await running?.stop();
    await Promise.all(dirs.map(removeDataDir));
  });

  it.skipIf(!available)(
    "stream the primary's existing and new rows",
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), `neo-clone-${method}-`));
      dirs.push(dataDir);
      const options: StartTopologyOptions = { provider: 'embedded', dataDir, clusters: ['core'], replicaClone: method };
      // First run: only the primary, with a row in it.
      const primaryOnly = structuredClone(topology);
      primaryOnly.clusters['core']!.replicas = [];
      running = await startTopology(primaryOnly, options);
      await queryRows(running.endpoints['core/core-primary']!, login, 'create table before_clone (id int)');
      await queryRows(running.endpoints['core/core-primary']!, login, 'insert into before_clone values (42)');
      await running.stop();

      // Second run: the declared replicas join the primary that has data.
      const started = performance.now();
      running = await startTopology(topology, options);
      console.log(
        `2 replicas cloned by ${method} and streaming in ${Math.round(performance.now() - started)} ms (with the primary's start)`,
      );
      await queryRows(running.endpoints['core/core-primary']!, login, 'insert into before_clone values (43)');
      for (const replica of ['core/core-replica-1', 'core/core-replica-2']) {
        const rows = await eventually(
          async () => {
            const found = await queryRows<{ id: number }>(running!.endpoints[replica]!, login, 'select id from before_clone order by id');
            return found.length === 2 ? found : undefined;
          },
          15_000,
          `both rows on ${replica}`,
        );
        expect(rows).toEqual([{ id: 42 }, { id: 43 }]);
      }
      // Three topology starts: on a busy machine that takes longer than the default 30 s.
    },
    180_000,
  );
});
