import { bindTopology, type Endpoints, type Topology } from '@neo/topology';
import type { AdminAccess } from '@neo/topology-runtime';
import { inject } from 'vitest';
import './provided-context.js';
import { loadTestTopology } from './shared-topology-options.js';

export interface SharedTopology {
  /** config/topology.yaml bound to the shared servers (every started node has host/port). */
  topology: Topology;
  endpoints: Endpoints;
  /** Superuser login per cluster. */
  admin: Record<string, AdminAccess>;
}

/**
 * The servers the global setup started for this vitest run. Share them; a test
 * that stops or breaks a server uses `startIsolatedTopology` instead.
 */
export function useSharedTopology(): SharedTopology {
  const endpoints = inject('neoEndpoints');
  if (!endpoints) {
    throw new Error(
      "No shared test topology: add '<root>/libs/testing/src/global-setup.ts' to this project's vitest globalSetup (projectTestConfig({ globalSetup: [...] })).",
    );
  }
  // The global setup binds the topology as it runs (external servers may rename databases);
  // loading and binding here covers a setup that only provides endpoints.
  const topology = inject('neoTopology') ?? bindTopology(loadTestTopology(), endpoints);
  return { topology, endpoints, admin: inject('neoAdmin') ?? {} };
}
