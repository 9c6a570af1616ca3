import type { Role } from '@neo/topology';
import type { CircuitBreaker } from './circuit-breaker.js';

/** What routing needs to know about a node; the replica set's node clients implement it. */
export interface RoutableNode {
  /** `dataNodeLabel(node)`, e.g. `blockchain/blockchain-replica-1/neo_oracle`. */
  readonly label: string;
  readonly role: Role;
  readonly weight: number;
  readonly breaker: CircuitBreaker;
  /** Calls sent to the node that have not finished yet (for the least-outstanding policy). */
  readonly outstanding: number;
}
