import { allPhysicalNodes, endpointKey, allLayoutShards, type Topology } from '@neo/topology';

/** A service process whose `/metrics` Prometheus scrapes. */
export interface ScrapedService {
  /** The topology service it serves (its metrics carry the same `service` label). */
  service: string;
  /** `host:port` of its HTTP server. */
  address: string;
}

/** Where the postgres_exporter of one server listens, keyed like `Endpoints`: `core/core-primary`. */
export type ExporterAddresses = Record<string, string>;

/** A PgBouncer's metrics endpoint (its exporter, or PgBouncer's own), one per cluster. */
export interface ScrapedPgBouncer {
  cluster: string;
  address: string;
}

export interface ScrapeConfigInput {
  topology: Topology;
  services: readonly ScrapedService[];
  exporters: ExporterAddresses;
  /** Scraped as job `pgbouncer` only when given and not empty. */
  pgbouncers?: readonly ScrapedPgBouncer[];
  /** Paths of the rule files, as Prometheus will see them. */
  ruleFiles: readonly string[];
  /** Default 15s; tests use 1s. */
  scrapeInterval?: string;
  evaluationInterval?: string;
}

/** Prometheus' scrape configuration, as the object its YAML file holds. */
export interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval: string };
  rule_files: string[];
  scrape_configs: ScrapeJob[];
}

interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  /** Keep the labels a target exports (e.g. its own `cluster`) over the target's. */
  honor_labels?: boolean;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
  metric_relabel_configs?: RelabelRule[];
}

interface RelabelRule {
  source_labels: string[];
  regex: string;
  target_label: string;
  replacement: string;
  separator?: string;
}

/** Job names, as the rules and the dashboard select them. */
export const SCRAPE_JOBS = { services: 'neo-services', postgres: 'postgres', pgbouncer: 'pgbouncer' } as const;

/**
 * The scrape configuration for a running topology, generated from it:
 * - `neo-services`: every service's `/metrics`. The data layer's `neo_data_query_duration_seconds`
 *   is stored as `postgresql_query_duration_seconds`, the name the seed's latency query uses.
 * - `postgres`: one postgres_exporter per server, labelled `cluster`, `node` (`<cluster>/<node>`,
 *   as the services label nodes) and `role`. Each `pg_stat_database_*` series gains `database`
 *   (its `datname`) and `service` (the topology service owning that database; `monolith` for the
 *   monolith's), so the seed's `sum by (service, database) (pg_stat_database_numbackends)` works.
 * - `pgbouncer`: only when PgBouncers are given.
 */
export function prometheusConfig(input: ScrapeConfigInput): PrometheusConfig {
  const jobs: ScrapeJob[] = [
    {
      job_name: SCRAPE_JOBS.services,
      metrics_path: '/metrics',
      static_configs: input.services.map(({ address }) => ({ targets: [address] })),
      metric_relabel_configs: [
        {
          source_labels: ['__name__'],
          regex: 'neo_data_query_duration_seconds_(bucket|sum|count)',
          target_label: '__name__',
          replacement: 'postgresql_query_duration_seconds_$1',
        },
      ],
    },
    {
      job_name: SCRAPE_JOBS.postgres,
      static_configs: allPhysicalNodes(input.topology).flatMap((node) => {
        const key = endpointKey(node.cluster, node.node);
        const address = input.exporters[key];
        return address ? [{ targets: [address], labels: { cluster: node.cluster, node: key, role: node.role } }] : [];
      }),
      metric_relabel_configs: [
        {
          source_labels: ['__name__', 'datname'],
          regex: 'pg_stat_database_.+;(.+)',
          target_label: 'database',
          replacement: '$1',
          separator: ';',
        },
        ...databaseOwners(input.topology).map(({ cluster, database, service }) => ({
          source_labels: ['__name__', 'cluster', 'datname'],
          regex: `pg_stat_database_.+;${escapeRegex(cluster)};${escapeRegex(database)}`,
          target_label: 'service',
          replacement: service,
          separator: ';',
        })),
      ],
    },
  ];
  if (input.pgbouncers && input.pgbouncers.length > 0) {
    // One target per address: a metrics endpoint may serve several clusters' PgBouncers, each series
    // carrying its own `cluster` label, which honor_labels keeps over the target's.
    const clustersByAddress = new Map<string, string[]>();
    for (const { cluster, address } of input.pgbouncers)
      clustersByAddress.set(address, [...(clustersByAddress.get(address) ?? []), cluster]);
    jobs.push({
      job_name: SCRAPE_JOBS.pgbouncer,
      honor_labels: true,
      static_configs: [...clustersByAddress].map(([address, clusters]) => ({
        targets: [address],
        labels: { cluster: clusters.join(',') },
      })),
    });
  }
  return {
    global: { scrape_interval: input.scrapeInterval ?? '15s', evaluation_interval: input.evaluationInterval ?? '15s' },
    rule_files: [...input.ruleFiles],
    scrape_configs: jobs,
  };
}

/** Which service each database of each cluster belongs to (several services on one database: joined by `,`). */
export function databaseOwners(topology: Topology): Array<{ cluster: string; database: string; service: string }> {
  const owners = new Map<string, { cluster: string; database: string; services: string[] }>();
  const add = (cluster: string, database: string, service: string): void => {
    const key = `${cluster}\u0000${database}`;
    const entry = owners.get(key) ?? { cluster, database, services: [] };
    if (!entry.services.includes(service)) entry.services.push(service);
    owners.set(key, entry);
  };
  add(topology.monolith.cluster, topology.monolith.database, 'monolith');
  for (const [name, service] of Object.entries(topology.services)) {
    add(service.cluster, service.database, name);
    for (const shard of allLayoutShards(service)) add(shard.cluster ?? service.cluster, shard.database, name);
  }
  return [...owners.values()].map(({ cluster, database, services }) => ({ cluster, database, service: services.join(',') }));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
