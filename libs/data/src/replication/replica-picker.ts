/** What a picker knows about a replica that is usable right now (healthy, fresh enough). */
export interface ReplicaCandidate {
  /** Stable name of the node, e.g. `blockchain/blockchain-replica-1/neo_oracle`. */
  readonly label: string;
  /** Share of reads under the `weighted` policy (topology node `weight`). */
  readonly weight: number;
  /** Reads sent to this node that have not finished yet. */
  readonly outstanding: number;
}

/**
 * Chooses which usable replica serves a read. The built-in policies are in `replica-pickers.ts`;
 * pass your own to `createReplicaSet({ picker })` to route differently (e.g. by zone).
 * `pick` is called on the hot path with a non-empty list and must not block or throw.
 */
export interface ReplicaPicker {
  pick<C extends ReplicaCandidate>(candidates: readonly [C, ...C[]]): C;
}
