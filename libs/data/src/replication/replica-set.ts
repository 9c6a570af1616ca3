import type { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { eventPlace } from '../logging/data-event-log.js';
import { dataNodeLabel, type DataNode, type ReadSettings } from '@neo/topology';
import { nodeMetricLabels, type DataMetrics, type NodeMetricLabels, type RoutingReason } from '../metrics/index.js';
import { NodePools, queryTimeoutsOf } from '../pool/index.js';
import { CircuitBreaker, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker.js';
import { isConnectionError } from './connection-error.js';
import type { LagMonitor, PrimaryChange, ReplicaLag } from './lag-monitor.js';
import { NodeClient, type NodeStats } from './node-client.js';
import { NodeRoles } from './node-roles.js';
import { ReadWriteRouter } from './read-write-router.js';
import type { ReplicaPicker } from './replica-picker.js';
import { createReplicaPicker } from './replica-pickers.js';
import { ReplicaSelector, type FreshnessView } from './replica-selector.js';
import { createRoutedClient, type ReplicatedClient } from './routed-client.js';
import { SharedLagMonitors, serverLabel, type LagMonitorLease } from './shared-lag-monitors.js';
import { SessionWrites, type SessionWritesOptions } from './session-writes.js';

export interface ReplicaSetOptions<C> {
  readonly primary: DataNode;
  readonly replicas: readonly DataNode[];
  /** The database's `reads` settings from the topology: policy, lag bound, poll interval. */
  readonly reads: ReadSettings;
  /** Builds the service's generated Prisma client on a node's adapter: `(adapter) => new PrismaClient({ adapter })`. */
  readonly createClient: (adapter: PrismaPg, node: DataNode) => C;
  /**
   * Where the nodes' pools come from (shared with the rest of the data source, which ends them).
   * Absent: the set makes its own, followed by `metrics`, and ends them on `close()`.
   */
  readonly pools?: NodePools;
  /** Query, routing and lag metrics (pool metrics are followed by `NodePools`). */
  readonly metrics?: DataMetrics;
  /** Replaces the policy named in `reads.policy`. */
  readonly picker?: ReplicaPicker;
  readonly breaker?: Omit<CircuitBreakerOptions, 'onStateChange'>;
  readonly sessions?: SessionWritesOptions;
  /**
   * Where the lag monitor comes from: sets given the same `SharedLagMonitors` share one monitor per
   * set of servers (a data source gives its shards one). Absent: a monitor of the set's own.
   */
  readonly lagMonitors?: SharedLagMonitors;
  /** Timeout of one lag poll. Default: 5 poll intervals, at least 1 s. */
  readonly lagProbeTimeoutMs?: number;
  /** Breaker changes and poll failures, for logs. Carries node labels only, never credentials. */
  readonly onEvent?: (event: ReplicaSetEvent) => void;
}

export type ReplicaSetEvent =
  | { readonly type: 'breaker'; readonly node: string; readonly state: BreakerState; readonly error?: unknown }
  | { readonly type: 'primary-change'; readonly from: string; readonly to: string; readonly reason: PrimaryChange['reason'] }
  | { readonly type: 'poll-failed'; readonly node: string; readonly error: unknown }
  | { readonly type: 'idle-connection-error'; readonly node: string; readonly error: unknown };

export interface NodeStatus {
  readonly label: string;
  /** What the node serves as now: after a failover, a declared replica can be the primary. */
  readonly role: 'primary' | 'replica';
  readonly breaker: BreakerState;
  /** Replicas only: healthy, fresh and so eligible for reads. */
  readonly inRotation?: boolean;
  readonly lag?: ReplicaLag;
  readonly stats: Readonly<NodeStats>;
}

/**
 * One database's primary and replicas, ready to use: one Prisma client per node on that node's
 * pool (from `NodePools`), the routed `client`, the lag monitor and a circuit breaker per node.
 *
 * Primary down: a write fails with `PrimaryUnavailableError` as soon as the connection attempt
 * fails: at once when the server refuses connections (stopped server), at most the pool's
 * `connectionTimeoutMs` (topology, default 5 s) when the host does not answer; once the primary's
 * breaker is open (2 failures in a row) writes fail at once, without touching the network,
 * until a probe finds it back. Reads keep going to replicas.
 *
 * Primary moved (a failover promoted a replica): the lag monitor's poll, which asks every node
 * whether it is in recovery, finds the node that takes writes now and writes go there, with no
 * restart (see `LagMonitor`). A write that reaches a node that has become read-only (SQLSTATE
 * 25006: nothing was written) makes the set poll again and sends it to the new primary, once.
 *
 * With no replicas (a single-primary cluster, a service's schema in the monolith) the set is its
 * primary alone: no lag monitor runs, and every call still goes through `NodeClient.run`, so it is
 * timed and counted like any other.
 */
export class ReplicaSet<C extends object> {
  readonly client: ReplicatedClient<C>;
  /** The lag monitor of this set's servers, shared with every other set on them (labels are `serverLabel`s). */
  readonly monitor: LagMonitor;
  private readonly lease: LagMonitorLease;
  private readonly stopObserving: () => void;
  /** Each node's label → its server's label, as the monitor knows it. */
  private readonly serverLabels: ReadonlyMap<string, string>;
  /** Which node is primary now; every node, declared primary first, in `roles.nodes`. */
  private readonly roles: NodeRoles<NodeClient<C>>;
  /** Every node with the pool its queries use, primary first (health checks probe these very pools). */
  readonly connectedNodes: { readonly node: DataNode; readonly pool: pg.Pool }[] = [];
  private readonly pools: NodePools;
  private readonly ownsPools: boolean;
  private readonly firstRound: Promise<void>;
  /** Write clients of promoted replicas whose own login cannot write, by their read client. */
  private readonly writers = new Map<NodeClient<C>, NodeClient<C>>();
  /** Metric labels of every client the router may route to: each node's, and a promoted replica's write client. */
  private readonly labelsByNode = new Map<NodeClient<C>, NodeMetricLabels>();
  private readonly routingRecorders = new Map<NodeClient<C>, (reason: RoutingReason) => void>();
  private closed?: Promise<void>;

  constructor(private readonly options: ReplicaSetOptions<C>) {
    const { reads, metrics } = options;
    this.ownsPools = options.pools === undefined;
    this.pools = options.pools ?? new NodePools(metrics ? { metrics } : {});
    const dataNodes = [options.primary, ...options.replicas];
    const nodes = dataNodes.map((node) => this.connect(node));
    this.roles = new NodeRoles(nodes, nodes[0]!);
    const dataNodeOf = new Map(nodes.map((node, index) => [node, dataNodes[index]!]));

    // The monitor is shared by every set on the same servers and labels nodes by server.
    const probeTimeoutMs = options.lagProbeTimeoutMs ?? Math.max(1_000, 5 * reads.lagPollIntervalMs);
    this.lease = (options.lagMonitors ?? new SharedLagMonitors()).acquire(options.primary, options.replicas, reads, probeTimeoutMs);
    this.monitor = this.lease.monitor;
    const byServer = new Map(nodes.map((node, index) => [serverLabel(dataNodes[index]!), node]));
    this.serverLabels = new Map(nodes.map((node, index) => [node.label, serverLabel(dataNodes[index]!)]));
    const promote = (to: NodeClient<C>) => this.roles.promote(this.writerFor(to, dataNodeOf.get(to)!), to);
    this.stopObserving = this.monitor.observe({
      onPollSuccess: (server) => byServer.get(server)?.breaker.recordProbeSuccess(),
      onPollError: (server, error) => {
        const node = byServer.get(server);
        if (!node) return;
        if (isConnectionError(error)) node.breaker.recordFailure(error);
        this.emit({ type: 'poll-failed', node: node.label, error });
      },
      onReplicaLag: (lag) => {
        const node = byServer.get(lag.label);
        if (node && metrics) {
          const dataNode = dataNodeOf.get(node)!;
          const inRotation = lag.withinBound && node.breaker.isAvailable();
          metrics.recordReplicaLag(nodeMetricLabels(dataNode), { bytes: lag.lagBytes, ms: lag.lagMs, inRotation });
          metrics.events?.replicaRotation(eventPlace(dataNode), inRotation, lag.lagMs);
        }
      },
      onPrimaryChange: (change) => {
        const to = byServer.get(change.to)!;
        const from = byServer.get(change.from)!;
        promote(to);
        metrics?.recordPrimaryChange(nodeMetricLabels(dataNodeOf.get(to)!));
        metrics?.events?.primaryChange(eventPlace(dataNodeOf.get(to)!), eventPlace(dataNodeOf.get(from)!).node, change.reason);
        this.emit({ type: 'primary-change', from: from.label, to: to.label, reason: change.reason });
      },
    });
    // A monitor already running may have found the primary elsewhere before this set joined.
    const current = byServer.get(this.monitor.primary);
    if (current && current !== this.roles.primary) promote(current);
    const freshness: FreshnessView = {
      isWithinLag: (label) => this.monitor.isWithinLag(this.serverOf(label)),
      replayLsn: (label) => this.monitor.replayLsn(this.serverOf(label)),
      primaryLsnObservedAfter: (time) => this.monitor.primaryLsnObservedAfter(time),
    };

    const sessions = new SessionWrites(options.sessions);
    const selector = new ReplicaSelector(this.roles, options.picker ?? createReplicaPicker(reads.policy), freshness, sessions);
    for (const node of nodes) this.labelsByNode.set(node, nodeMetricLabels(dataNodeOf.get(node)!));
    const router = new ReadWriteRouter(
      this.roles,
      selector,
      sessions,
      metrics ? (node, reason) => this.routingRecorderOf(node, metrics)(reason) : undefined,
      // A single primary has nothing to fail over to.
      options.replicas.length === 0 ? undefined : () => this.monitor.refresh(),
    );
    this.client = createRoutedClient(router, { transactionTimeoutMs: queryTimeoutsOf(options.primary.pool).transactionTimeoutMs });

    // A primary alone has no lag to follow: no polling connection, and nothing to wait for.
    if (options.replicas.length === 0) {
      this.firstRound = Promise.resolve();
    } else {
      this.firstRound = this.monitor.afterRounds(1);
      this.monitor.start();
    }
  }

  /** Resolves once the lag monitor has polled every node once; before that every read goes to the primary. */
  ready(): Promise<void> {
    return this.firstRound;
  }

  /** The node writes go to now. */
  get primary(): NodeClient<C> {
    return this.roles.primary;
  }

  /** The nodes that serve reads now (after a failover, the former primary is one of them). */
  get replicas(): readonly NodeClient<C>[] {
    return this.roles.replicas;
  }

  /** Each node's breaker, lag and counters, the current primary first (for health checks, status pages and tests). */
  status(): NodeStatus[] {
    const primary = this.roles.primary;
    return [
      { label: primary.label, role: 'primary', breaker: primary.breaker.state, stats: { ...primary.stats } },
      ...this.roles.replicas.map((replica) => ({
        label: replica.label,
        role: 'replica' as const,
        breaker: replica.breaker.state,
        inRotation: replica.breaker.isAvailable() && this.monitor.isWithinLag(this.serverOf(replica.label)),
        lag: this.lagOf(replica.label),
        stats: { ...replica.stats },
      })),
    ];
  }

  /**
   * Stops the monitor and disconnects every client; ends the pools too when the set made them
   * (pools given in `options.pools` are ended by their owner). Safe to call twice.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopObserving();
      await this.lease.release();
      const clients = [...this.roles.nodes, ...this.writers.values()].map((node) => node.client as { $disconnect?: () => Promise<void> });
      await Promise.allSettled(clients.map((client) => client.$disconnect?.()));
      if (this.ownsPools) await this.pools.closeAll();
    })();
    return this.closed;
  }

  /** The monitor's label for the server of a node of this set (a promoted replica's write client shares its read client's). */
  private serverOf(label: string): string {
    return this.serverLabels.get(label) ?? label;
  }

  /** A replica's lag under the set's own label for it. */
  private lagOf(label: string): ReplicaLag | undefined {
    const lag = this.monitor.replicaLag(this.serverOf(label));
    return lag && { ...lag, label };
  }

  /**
   * The client that writes to a promoted server: its read client when it logs in as the primary
   * does, else one more client with the primary's login (replicas may use a read-only role),
   * made once, at the change, never on a call.
   */
  private writerFor(readNode: NodeClient<C>, dataNode: DataNode): NodeClient<C> {
    const primary = this.options.primary;
    if (dataNode === primary || (dataNode.user === primary.user && dataNode.password === primary.password)) return readNode;
    let writer = this.writers.get(readNode);
    if (!writer) {
      writer = this.connect({ ...dataNode, role: 'primary', user: primary.user, password: primary.password }, { listed: false });
      this.writers.set(readNode, writer);
      this.labelsByNode.set(writer, this.labelsByNode.get(readNode)!);
    }
    return writer;
  }

  private connect(node: DataNode, { listed = true } = {}): NodeClient<C> {
    const label = dataNodeLabel(node);
    const pool = this.pools.poolFor(node);
    // A pooled connection the server closed while idle (restart, failover) is reported here;
    // the pool drops it and opens a new one when needed.
    pool.on('error', (error) => this.emit({ type: 'idle-connection-error', node: label, error }));
    // A promoted replica's write client shares its label: health checks probe the read pool.
    if (listed) this.connectedNodes.push({ node, pool });
    const labels = nodeMetricLabels(node);
    const breaker = new CircuitBreaker({
      ...this.options.breaker,
      onStateChange: (state, error) => {
        this.options.metrics?.events?.breaker(eventPlace(node), state, error);
        this.emit({ type: 'breaker', node: label, state, error });
      },
    });
    return new NodeClient(
      label,
      node.role,
      node.weight,
      this.options.createClient(this.pools.adapterFor(node), node),
      breaker,
      this.options.metrics?.queryRecorder(labels),
    );
  }

  /** The routing-decision counter of a node the router may route to, made once per node. */
  private routingRecorderOf(node: NodeClient<C>, metrics: DataMetrics): (reason: RoutingReason) => void {
    let record = this.routingRecorders.get(node);
    if (!record) {
      record = metrics.routingRecorder(this.labelsByNode.get(node)!);
      this.routingRecorders.set(node, record);
    }
    return record;
  }

  private emit(event: ReplicaSetEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A failing logger must not break routing.
    }
  }
}

/** Builds a replica set; see `ReplicaSet`. Await `ready()` before relying on replicas serving reads. */
export function createReplicaSet<C extends object>(options: ReplicaSetOptions<C>): ReplicaSet<C> {
  return new ReplicaSet(options);
}
