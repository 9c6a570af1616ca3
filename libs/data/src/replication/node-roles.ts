/**
 * Which node of a replica set is the primary now; every other node serves reads. Starts as the
 * topology declares it and changes when the lag monitor finds that another node took over (a
 * failover promoted a replica). Routing reads the two fields on every call: a field read, no query.
 */
export class NodeRoles<N> {
  private current: N;
  private others: readonly N[];

  constructor(
    /** Every node, in declared order. */
    readonly nodes: readonly N[],
    primary: N,
  ) {
    this.current = primary;
    this.others = nodes.filter((node) => node !== primary);
  }

  get primary(): N {
    return this.current;
  }

  get replicas(): readonly N[] {
    return this.others;
  }

  /**
   * Makes `node` the primary; the former primary becomes one of the read nodes (read only once it
   * replays as a replica). `readNode`: the read client of the same server, when `node` is a
   * separate client for writes (a replica's read-only login cannot write); it leaves the readers.
   */
  promote(node: N, readNode: N = node): void {
    if (node === this.current) return;
    this.current = node;
    this.others = this.nodes.filter((other) => other !== node && other !== readNode);
  }
}
