import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { NodeStatus } from '../replication/index.js';
import { dataNodeLabel, type DataNode } from '@neo/topology';
import { isSideSwitching, type DataSource } from '../data-source/index.js';
import { probeNode, type NodeProbe } from '../pool/index.js';
import { DATA_SOURCE } from './data.tokens.js';
import { DATA_MODULE_OPTIONS } from './data.module-definition.js';
import type { DataModuleOptions } from './data-module.options.js';

export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;

/** One node in the health answer: its probe, and for a replica set what routing thinks of it. */
export type NodeHealth = NodeProbe & RoutingFacts & { role: string };

interface RoutingFacts {
  /** Replicas only: serving reads now (healthy and within the lag bound). */
  inRotation?: boolean;
  /** Replicas only: how stale the replica was at the lag monitor's last poll. */
  lagMs?: number;
  /** The node's circuit breaker: `closed` (normal), `open` (skipped), `half-open` (being probed). */
  breaker?: string;
}

/**
 * Terminus health indicator for a service's database nodes: each node gets a
 * `SELECT 1` with a timeout. The primary down → down (the service cannot write);
 * a replica down → degraded (still ready: reads are served by other nodes or the primary),
 * and the answer names the replica and why.
 *
 * ```ts
 * this.health.check([() => this.database.isHealthy('database')])
 * ```
 */
@Injectable()
export class DataHealthIndicator {
  constructor(
    @Inject(DATA_SOURCE) private readonly source: DataSource,
    @Inject(DATA_MODULE_OPTIONS) private readonly options: DataModuleOptions,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy<const Key extends string = 'database'>(key: Key = 'database' as Key): Promise<HealthIndicatorResult<Key>> {
    const timeoutMs = this.options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    const probes = await Promise.all(this.source.nodes.map(async ({ node, pool }) => ({ node, probe: await probeNode(pool, timeoutMs) })));
    const routing = new Map<string, NodeStatus>((this.source.status?.() ?? []).map((status) => [status.label, status]));
    const nodes: Record<string, NodeHealth> = {};
    for (const { node, probe } of probes) {
      const label = dataNodeLabel(node);
      nodes[label] = { role: node.role, ...probe, ...routingFacts(routing.get(label)) };
    }

    const session = this.health.check(key);
    const sides = sidesOf(this.source);
    const facts = { service: this.source.service, ...sides, nodes };
    const down = probes.filter(({ probe }) => probe.status === 'down');
    // The monolith's primary is needed only while some calls still go there.
    const needed = (node: DataNode): boolean =>
      node.role === 'primary' && (!isSideSwitching(this.source) || node !== this.source.monolith.node || monolithInUse(this.source));
    if (down.some(({ node }) => needed(node))) return session.down(facts);
    if (down.length > 0) {
      const replicasDown = down.map(({ node }) => dataNodeLabel(node));
      return session.degraded({ ...facts, replicasDown });
    }
    return session.up(facts);
  }
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

function monolithInUse(source: { placement(): { writes: string; reads: string } }): boolean {
  const placement = source.placement();
  return placement.writes === 'monolith' || placement.reads !== 'service';
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
