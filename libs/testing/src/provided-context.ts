import type { Endpoints, Topology } from '@neo/topology';
import type { AdminAccess } from '@neo/topology-runtime';

/** What the global setup hands to every test file of the run (vitest `provide`/`inject`). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Where each node of the shared test topology listens, keyed `"<cluster>/<node>"`. */
    neoEndpoints: Endpoints;
    /** The shared topology as it runs (bound: host/port on every node). */
    neoTopology: Topology;
    /** Superuser login per cluster, for tests that need it (pausing replay, reading settings). */
    neoAdmin: Record<string, AdminAccess>;
  }
}

export {};
