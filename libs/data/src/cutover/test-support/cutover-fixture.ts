import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startIsolatedTopology } from '@neo/testing';
import type { RunningTopology } from '@neo/topology-runtime';
import { migrateFleet } from '../../migrations/migrate-fleet.js';
import { findService, loadTopology, locateTopologyFile, type Topology } from '@neo/topology';
import type { CutoverTimeouts } from '../cutover-context.js';
import { FileFlagWriter } from '../file.flag-writer.js';
import type { ReshardContext } from '../../resharding/reshard-context.js';
import { reshardFlags } from '../../selection/side-flag-names.js';

const workspaceRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

export interface CutoverFixture {
  service: string;
  running: RunningTopology;
  topology: Topology;
  /** A cutover's context, with the reshard's flags (`Reshard.<service>.*`) in the same flags file. */
  context: ReshardContext;
  prismaRoot: string;
  flagsFile: string;
  /** What a child process needs to build the same context (see run-step.child.ts). */
  childInput: {
    topology: Topology;
    admin: RunningTopology['admin'];
    prismaRoot: string;
    flagsFile: string;
    timeouts: Partial<CutoverTimeouts>;
  };
  stop(): Promise<void>;
}

export interface CutoverFixtureOptions {
  service: 'smartcontracts' | 'storage';
  /** Drop the service's sharding from the topology (an unsharded service). */
  unsharded?: boolean;
  timeouts?: Partial<CutoverTimeouts>;
  log?: (line: string) => void;
  /**
   * Give the service's cluster this many streaming replicas, synchronous (a commit returns once
   * one has it), for tests that fail the cluster over. Default: none.
   */
  serviceReplicas?: number;
  /** Changes the declared topology before the servers start (e.g. a reshard's next layout), and the extra clusters to start. */
  adjust?: { topology: (declared: Topology) => void; clusters: string[] };
}

/**
 * The monolith cluster and the service's cluster (primaries only unless `serviceReplicas`:
 * replicas play no part in a cutover until a failover), the service migrated on the monolith, a prisma/ root with the workspace's
 * storage service and the fixture smart-contracts service, and a flags file.
 */
export async function startCutoverFixture(options: CutoverFixtureOptions): Promise<CutoverFixture> {
  const declared = structuredClone(loadTopology({ path: locateTopologyFile() }));
  for (const cluster of Object.values(declared.clusters)) cluster.replicas = [];
  if (options.unsharded) delete findService(declared, options.service).sharding;
  const serviceCluster = findService(declared, options.service).cluster;
  if (options.serviceReplicas) {
    const cluster = declared.clusters[serviceCluster]!;
    cluster.replicas = Array.from({ length: options.serviceReplicas }, (_, index) => ({
      name: `${serviceCluster}-replica-${index + 1}`,
      weight: 1,
    }));
    cluster.synchronousReplicas = 1;
  }
  const dir = await mkdtemp(join(tmpdir(), 'neo-cutover-'));
  // Servers of the test's own: embedded in a fresh temporary directory, or containers under NEO_TEST_PROVIDER=testcontainers.
  options.adjust?.topology(declared);
  const running = await startIsolatedTopology({
    topology: declared,
    clusters: [declared.monolith.cluster, serviceCluster, ...(options.adjust?.clusters ?? [])],
  });
  try {
    const prismaRoot = join(dir, 'prisma');
    await cp(join(workspaceRoot, 'prisma/storage'), join(prismaRoot, 'storage'), { recursive: true });
    await cp(fileURLToPath(new URL('./prisma/smartcontracts', import.meta.url)), join(prismaRoot, 'smartcontracts'), { recursive: true });
    const flagsFile = join(dir, 'flags.yaml');
    await writeFile(flagsFile, 'version: 1\nflags: {}\n');
    const timeouts = options.timeouts ?? {};
    const context: ReshardContext = {
      topology: running.topology,
      admin: (cluster) => running.admin[cluster]!,
      flags: new FileFlagWriter({ path: flagsFile }),
      layoutFlags: new FileFlagWriter({ path: flagsFile, flagNames: reshardFlags }),
      prismaRoot,
      timeouts,
      ...(options.log ? { log: options.log } : {}),
    };
    // The service's schema in the monolith, as it is before any cutover.
    await migrateFleet({ topology: running.topology, services: [options.service], prismaRoot, monolith: true });
    return {
      service: options.service,
      running,
      topology: running.topology,
      context,
      prismaRoot,
      flagsFile,
      childInput: { topology: running.topology, admin: running.admin, prismaRoot, flagsFile, timeouts },
      async stop() {
        await running.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await running.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
