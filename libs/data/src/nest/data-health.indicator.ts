import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { dataNodeLabel } from '../topology/index.js';
import { DATA_SOURCE } from './data.tokens.js';
import type { DataSource } from './data-source.js';
import { DATA_MODULE_OPTIONS } from './data.module-definition.js';
import type { DataModuleOptions } from './data-module.options.js';
import { probeNode, type NodeProbe } from './probe-node.js';

export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;

/**
 * Terminus health indicator for a service's database nodes: each node gets a
 * `SELECT 1` with a timeout. The primary down → down (the service cannot write);
 * a replica down → degraded (reads still served, by other nodes or the primary).
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
    const probes = await Promise.all(
      this.source.nodes.map(async ({ node, pool }) => ({ node, probe: await probeNode(pool, timeoutMs) })),
    );
    const nodes: Record<string, NodeProbe & { role: string }> = {};
    for (const { node, probe } of probes) nodes[dataNodeLabel(node)] = { role: node.role, ...probe };

    const session = this.health.check(key);
    const down = probes.filter(({ probe }) => probe.status === 'down');
    if (down.some(({ node }) => node.role === 'primary')) return session.down({ service: this.source.service, nodes });
    if (down.length > 0) return session.degraded({ service: this.source.service, nodes });
    return session.up({ service: this.source.service, nodes });
  }
}
