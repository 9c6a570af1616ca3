import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { NodeStatus } from '../replication/index.js';
import { dataNodeLabel, type DataNode } from '@neo/topology';
import { isSideSwitching, type DataSource } from '../data-source/index.js';
import { probeNode, type NodeProbe } from '../pool/index.js';
import type { Side } from '../selection/index.js';
import { DATA_SOURCE } from './data.tokens.js';
import { DATA_MODULE_OPTIONS } from './data.module-definition.js';
import type { DataModuleOptions } from './data-module.options.js';
import { assessReadiness, type PlacementFacts, type ProbedNode, type Readiness } from './data-health.readiness.js';

export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;

/** One node in the detailed health answer: its probe, its side, and for a replica set what routing thinks of it. */
export type NodeHealth = NodeProbe &
  RoutingFacts & {
    role: string;
    /** `monolith` (the service's schema there) or `service` (its own databases). */
    side: Side;
    /** Whether the side serves any call now; a node of a side not in use never fails or degrades the check. */
    inUse: boolean;
  };

interface RoutingFacts {
  /** Replicas only: serving reads now (healthy and within the lag bound). */
  inRotation?: boolean;
  /** Replicas only: how stale the replica was at the lag monitor's last poll. */
  lagMs?: number;
  /** The node's circuit breaker: `closed` (normal), `open` (skipped), `half-open` (being probed). */
  breaker?: string;
}

/**
 * Terminus health indicator for a service's database nodes: each node gets a `SELECT 1` with a
 * timeout, and the answers are read as readiness (see `assessReadiness`): can the side serving the
 * service take its reads, and separately its writes?
 * - reads cannot be served → down (503);
 * - reads can, but writes cannot (a primary is down while its replicas answer), or some node in
 *   use is down → degraded (200: reads go on, writes get a typed 503 with `Retry-After`);
 * - the nodes of a side the service does not use now are shown but never count.
 *
 * ```ts
 * this.health.check([() => this.database.isHealthy('database')])   // the detailed view, every node
 * this.health.check([() => this.database.isReady('database')])     // reads and writes only
 * ```
 */
@Injectable()
export class DataHealthIndicator {
  constructor(
    @Inject(DATA_SOURCE) private readonly source: DataSource,
    @Inject(DATA_MODULE_OPTIONS) private readonly options: DataModuleOptions,
    private readonly health: HealthIndicatorService,
  ) {}

  /** The detailed view: readiness, every node with its probe and routing facts, and the flags. */
  async isHealthy<const Key extends string = 'database'>(key: Key = 'database' as Key): Promise<HealthIndicatorResult<Key>> {
    const { probed, readiness } = await this.inspect();
    const routing = new Map<string, NodeStatus>((this.source.status?.() ?? []).map((status) => [status.label, status]));
    const inUse = inUseSides(readiness);
    const nodes: Record<string, NodeHealth> = {};
    for (const { node, label, side, probe } of probed) {
      nodes[label] = { role: node.role, side, inUse: inUse.has(side), ...probe, ...routingFacts(routing.get(label)) };
    }
    const replicasDown = probed
      .filter((node) => node.node.role === 'replica' && readiness.nodesDown.includes(node.label))
      .map((node) => node.label);
    return this.report(key, readiness, {
      service: this.source.service,
      ...sidesOf(this.source),
      reads: readiness.reads,
      writes: readiness.writes,
      ...(replicasDown.length > 0 ? { replicasDown } : {}),
      nodes,
    });
  }

  /** Readiness alone: can the side serving this service take its reads, and its writes? */
  async isReady<const Key extends string = 'database'>(key: Key = 'database' as Key): Promise<HealthIndicatorResult<Key>> {
    const { readiness } = await this.inspect();
    return this.report(key, readiness, { service: this.source.service, reads: readiness.reads, writes: readiness.writes });
  }

  private async inspect(): Promise<{ probed: ProbedNode[]; readiness: Readiness }> {
    const timeoutMs = this.options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    const routing = new Map<string, NodeStatus>((this.source.status?.() ?? []).map((status) => [status.label, status]));
    const monolithNode = isSideSwitching(this.source) ? this.source.monolith.node : undefined;
    const probed = await Promise.all(
      this.source.nodes.map(async ({ node, pool }): Promise<ProbedNode> => {
        const label = dataNodeLabel(node);
        const inRotation = routing.get(label)?.inRotation;
        // After a failover the node serving writes is not the declared primary: judge by the role it has now.
        const role = routing.get(label)?.role ?? node.role;
        return {
          node: role === node.role ? node : { ...node, role },
          label,
          side: node === monolithNode ? 'monolith' : 'service',
          probe: await probeNode(pool, timeoutMs),
          ...(inRotation !== undefined ? { inRotation } : {}),
        };
      }),
    );
    return { probed, readiness: assessReadiness(probed, placementOf(this.source)) };
  }

  private report<Key extends string>(key: Key, readiness: Readiness, facts: Record<string, unknown>): HealthIndicatorResult<Key> {
    const session = this.health.check(key);
    if (readiness.status === 'down') return session.down(facts);
    if (readiness.status === 'degraded') return session.degraded(facts);
    return session.up(facts);
  }
}

function placementOf(source: DataSource): PlacementFacts {
  if (!isSideSwitching(source)) return { writes: 'service', reads: 'service' };
  const placement = source.placement();
  return { writes: placement.writes, reads: placement.reads };
}

function inUseSides(readiness: Readiness): Set<Side> {
  return new Set<Side>([readiness.writes.side, ...readiness.reads.sides]);
}

/** Where the calls go and where the flags come from, for a service that switches sides; nothing otherwise. */
function sidesOf(source: DataSource): { flags?: object; placement?: object } {
  if (!isSideSwitching(source)) return {};
  const status = source.flagStatus();
  const placement = source.placement();
  return {
    flags: {
      provider: status.provider,
      source: status.source,
      ready: status.ready,
      ...(status.lastError ? { lastError: status.lastError } : {}),
      ...(status.lastUpdatedAt ? { lastUpdatedAt: status.lastUpdatedAt.toISOString() } : {}),
    },
    placement: { writes: placement.writes, reads: placement.reads, flagNames: placement.flags },
  };
}

function routingFacts(status: NodeStatus | undefined): RoutingFacts {
  if (!status) return {};
  const facts: RoutingFacts = { breaker: status.breaker };
  if (status.role === 'replica') {
    facts.inRotation = status.inRotation ?? false;
    if (status.lag?.lagMs !== undefined && Number.isFinite(status.lag.lagMs)) facts.lagMs = Math.round(status.lag.lagMs);
  }
  return facts;
}
