import type { LagProbe, NodePosition } from './lag-probe.js';

export interface MonitoredNode {
  readonly label: string;
  readonly probe: LagProbe;
}

/** What the monitor knows about one replica after its last poll. */
export interface ReplicaLag {
  readonly label: string;
  /** The last poll reached the replica. */
  readonly reachable: boolean;
  /** Replayed WAL position at the last successful poll (replay only moves forward, so it stays a safe lower bound). */
  readonly replayLsn?: bigint;
  /** WAL bytes behind the primary (or behind what it has received, while the primary is unreachable). */
  readonly lagBytes?: number;
  /** How stale the replica can be, in ms: 0 when it had replayed the primary's position. */
  readonly lagMs?: number;
  readonly paused?: boolean;
  /** Monotonic time (ms) of the last successful poll. */
  readonly sampledAt?: number;
  /** Reachable and `lagMs <= maxLagMs` at the last poll. */
  readonly withinBound: boolean;
}

export interface LagMonitorOptions extends LagObserver {
  /** The primary the topology declares; the monitor follows the primary if it moves. */
  readonly primary: MonitoredNode;
  readonly replicas: readonly MonitoredNode[];
  readonly intervalMs: number;
  readonly maxLagMs: number;
  /**
   * A sample older than this no longer vouches for a replica (its poll hangs, or the process was
   * too busy to poll). Default: three intervals, at least 1 s.
   */
  readonly staleAfterMs?: number;
  /** Primary positions kept for read-your-writes. Default 256. */
  readonly historySize?: number;
  /** Monotonic milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/**
 * What a monitor tells as it polls (metrics, breakers, logs): given in the options, or added with
 * `observe`. Observers must not throw; if they do, the monitor ignores it.
 */
export interface LagObserver {
  readonly onReplicaLag?: (lag: ReplicaLag) => void;
  readonly onPollSuccess?: (label: string) => void;
  readonly onPollError?: (label: string, error: unknown) => void;
  /** The primary moved: `to` takes writes now (see `LagMonitor` on how that is decided). */
  readonly onPrimaryChange?: (change: PrimaryChange) => void;
}

export interface PrimaryChange {
  readonly from: string;
  readonly to: string;
  /** Why `from` no longer counts as primary. */
  readonly reason: 'unreachable' | 'in-recovery' | 'read-only';
}

interface PrimarySample {
  /** Monotonic time just before the query was sent. */
  readonly startedAt: number;
  readonly lsn: bigint;
}

/**
 * Polls the primary's WAL position and each replica's replay position every `intervalMs` and
 * decides which replicas are fresh enough to serve reads.
 *
 * Lag in ms is the smaller of two upper bounds on how stale a replica can be:
 * - `now - pg_last_xact_replay_timestamp()`: the replica has every commit up to the last one it
 *   replayed;
 * - `now - t`, where `t` is when the newest primary sample whose position the replica has
 *   replayed was taken: every commit finished before `t` lies below that position.
 * A replica that has replayed the primary's current position has lag 0, so an idle replica does
 * not look stale just because nothing was committed for a while. While the primary cannot be
 * reached (no new commits can be made), a replica is measured against what it has received.
 *
 * Polling runs rounds one after another (primary first, then all other nodes at once) and never
 * throws: a failed poll marks the node unreachable and is reported to `onPollError`.
 *
 * The same query tells which node is the primary now. When the current primary does not take
 * writes (unreachable, in recovery, or fenced read-only) and exactly one other node does (not in
 * recovery, read-write), that node becomes the primary (`onPrimaryChange`); the former primary
 * becomes a read node, serving reads only once a poll finds it replaying within the lag bound.
 * Two writable nodes while the current one still takes writes change nothing: the current
 * primary stays until a failover fences it.
 */
export class LagMonitor {
  private readonly lags = new Map<string, ReplicaLag>();
  private readonly history: PrimarySample[] = [];
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  private readonly historySize: number;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private roundsStarted = 0;
  private roundsCompleted = 0;
  private waiters: { round: number; resolve: () => void }[] = [];
  private readonly nodes: readonly MonitoredNode[];
  private primaryNode: MonitoredNode;
  private readonly observers = new Set<LagObserver>();

  constructor(private readonly options: LagMonitorOptions) {
    this.now = options.now ?? (() => performance.now());
    this.staleAfterMs = options.staleAfterMs ?? Math.max(3 * options.intervalMs, 1_000);
    this.historySize = options.historySize ?? 256;
    this.nodes = [options.primary, ...options.replicas];
    this.primaryNode = options.primary;
    this.observers.add(options);
    for (const replica of options.replicas) this.lags.set(replica.label, { label: replica.label, reachable: false, withinBound: false });
  }

  /** The label of the node that takes writes, as far as the last rounds tell. */
  get primary(): string {
    return this.primaryNode.label;
  }

  /** Adds an observer of every poll from now on; the function returned removes it. */
  observe(observer: LagObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Starts polling: one round now, then one every `intervalMs`. */
  start(): void {
    if (this.stopped || this.timer || this.running) return;
    const loop = async () => {
      this.timer = undefined;
      const startedAt = this.now();
      await this.pollOnce();
      if (this.stopped) return;
      this.timer = setTimeout(loop, Math.max(0, this.options.intervalMs - (this.now() - startedAt)));
      this.timer.unref();
    };
    void loop();
  }

  /** Stops polling and closes the probes' connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    await Promise.allSettled(this.nodes.map((node) => node.probe.close()));
  }

  /** Runs one round now, or joins the round already running. */
  pollOnce(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Runs a round that starts after this call (waiting for the one in progress, which may have
   * polled before a change): what a write refused as read-only needs to find the new primary.
   */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    await this.running;
    await this.pollOnce();
  }

  /** Resolves once `rounds` rounds that start after this call have completed (or the monitor stops). */
  afterRounds(rounds = 1): Promise<void> {
    // Rounds run one at a time and complete in order, so the round that starts `rounds` rounds
    // from now is done when this many rounds have completed.
    const round = this.roundsStarted + rounds;
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ round, resolve }));
  }

  replicaLag(label: string): ReplicaLag | undefined {
    return this.lags.get(label);
  }

  /** Every node but the primary (a former primary appears once it has been polled as such). */
  replicaLags(): ReplicaLag[] {
    return [...this.lags.values()].filter((lag) => lag.label !== this.primaryNode.label);
  }

  /** Fresh enough to serve a read: within the bound at a poll that is itself recent. */
  isWithinLag(label: string): boolean {
    const lag = this.lags.get(label);
    return lag !== undefined && lag.withinBound && lag.sampledAt !== undefined && this.now() - lag.sampledAt <= this.staleAfterMs;
  }

  replayLsn(label: string): bigint | undefined {
    return this.lags.get(label)?.replayLsn;
  }

  /**
   * The primary's WAL position from the first poll that *began* after `time` (monotonic ms), or
   * `undefined` if no such poll has completed yet. A write that finished before that poll began
   * is at or below this position (read-your-writes).
   */
  primaryLsnObservedAfter(time: number): bigint | undefined {
    for (const sample of this.history) if (sample.startedAt > time) return sample.lsn;
    return undefined;
  }

  private async round(): Promise<void> {
    this.roundsStarted++;
    const primary = this.primaryNode;
    const primaryState = await this.pollPrimary(primary);
    const primaryLsn = primaryState?.writable ? (primaryState.currentLsn ?? undefined) : undefined;
    const others = this.nodes.filter((node) => node !== primary);
    const states = await Promise.all(others.map((node) => this.pollReplica(node, primaryLsn)));
    if (!primaryState?.writable) {
      const writable = others.filter((_, index) => states[index]?.writable === true);
      if (writable.length === 1) this.changePrimary(primary, writable[0]!, primaryState);
    }
    this.roundsCompleted++;
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.round > this.roundsCompleted) return true;
      waiter.resolve();
      return false;
    });
  }

  private changePrimary(from: MonitoredNode, to: MonitoredNode, fromState: NodePosition | undefined): void {
    this.primaryNode = to;
    // Positions of the former primary say nothing about the new one's WAL.
    this.history.length = 0;
    this.lags.delete(to.label);
    this.lags.set(from.label, { label: from.label, reachable: fromState !== undefined, withinBound: false });
    const reason = fromState === undefined ? 'unreachable' : fromState.inRecovery ? 'in-recovery' : 'read-only';
    this.notify((observer) => observer.onPrimaryChange?.({ from: from.label, to: to.label, reason }));
  }

  /** The primary's state; its write position joins the history only while it takes writes. */
  private async pollPrimary(primary: MonitoredNode): Promise<NodePosition | undefined> {
    const startedAt = this.now();
    try {
      const position = await primary.probe.position();
      if (position.writable && position.currentLsn !== null) {
        this.history.push({ startedAt, lsn: position.currentLsn });
        if (this.history.length > this.historySize) this.history.shift();
      }
      this.notify((observer) => observer.onPollSuccess?.(primary.label));
      return position;
    } catch (error) {
      this.notify((observer) => observer.onPollError?.(primary.label, error));
      return undefined;
    }
  }

  private async pollReplica(replica: MonitoredNode, primaryLsn: bigint | undefined): Promise<NodePosition | undefined> {
    let lag: ReplicaLag;
    let position: NodePosition | undefined;
    try {
      position = await replica.probe.position();
      lag = this.measure(replica.label, position, primaryLsn);
      this.notify((observer) => observer.onPollSuccess?.(replica.label));
    } catch (error) {
      const previous = this.lags.get(replica.label);
      lag = { label: replica.label, reachable: false, withinBound: false, replayLsn: previous?.replayLsn };
      this.notify((observer) => observer.onPollError?.(replica.label, error));
    }
    this.lags.set(replica.label, lag);
    this.notify((observer) => observer.onReplicaLag?.(lag));
    return position;
  }

  private measure(label: string, position: NodePosition, primaryLsn: bigint | undefined): ReplicaLag {
    const sampledAt = this.now();
    const { replayLsn, receiveLsn, replayAgeMs, paused } = position;
    // Not in recovery: this server is no replica (promoted, or misconfigured); never read from it as one.
    if (replayLsn === null) return { label, reachable: true, sampledAt, paused, withinBound: false };

    let lagBytes: number;
    let lagMs: number;
    if (primaryLsn !== undefined) {
      lagBytes = primaryLsn > replayLsn ? Number(primaryLsn - replayLsn) : 0;
      if (replayLsn >= primaryLsn) {
        lagMs = 0;
      } else {
        const replayedSample = this.newestSampleAtOrBelow(replayLsn);
        lagMs = Math.min(replayAgeMs ?? Infinity, replayedSample ? sampledAt - replayedSample.startedAt : Infinity);
      }
    } else {
      lagBytes = receiveLsn !== null && receiveLsn > replayLsn ? Number(receiveLsn - replayLsn) : 0;
      lagMs = receiveLsn === null || replayLsn >= receiveLsn ? 0 : (replayAgeMs ?? Infinity);
    }
    return { label, reachable: true, replayLsn, lagBytes, lagMs, paused, sampledAt, withinBound: lagMs <= this.options.maxLagMs };
  }

  private newestSampleAtOrBelow(lsn: bigint): PrimarySample | undefined {
    for (let i = this.history.length - 1; i >= 0; i--) if (this.history[i]!.lsn <= lsn) return this.history[i];
    return undefined;
  }

  private notify(tell: (observer: LagObserver) => void): void {
    for (const observer of this.observers) {
      try {
        tell(observer);
      } catch {
        // Observers feed metrics and logs; their failure must not stop polling.
      }
    }
  }
}
