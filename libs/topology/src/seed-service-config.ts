import { z } from 'zod';
import { parseConnectionString, type ConnectionParts, type ParseResult } from './connection-string.js';
import { describeIssues } from './describe-issues.js';
import { guided } from './field-guide.js';
import { formatPath } from './field-path.js';
import type { TopologyProblem } from './topology.error.js';
import { topologyNameSchema } from './topology.schema.js';

/**
 * The .NET services' own configuration shape (their appsettings.json `Database` block),
 * accepted inside a service entry under `appsettings` and mapped onto the topology model:
 *
 *   services:
 *     storage:
 *       cluster: core              # still required: where the service's own database lives
 *       database: neo_storage
 *       appsettings:               # the appsettings.json block, pasted as is (JSON is YAML)
 *         Database:
 *           Provider: PostgreSQL
 *           Sharding: { Strategy: RangeSharding, ShardKey: created_date, Models: [StorageObject], Shards: [...] }
 *
 * Mapping rules (also in config/README.md):
 * - `Strategy`: RangeSharding → range, ModuloSharding → modulo, HashSharding → hash.
 * - `ShardKey` is a column name; it becomes the Prisma field (`created_date` → `createdDate`).
 * - `Models` (required with Sharding; the block does not say which models are split) → `models`.
 * - `Range: "2024-01-01 to 2024-12-31"` is inclusive and becomes `[2024-01-01, 2025-01-01)`;
 *   `"2026-01-01 onwards"` is open-ended. Whole numbers work the same way.
 * - A shard's `ConnectionString` host that matches a declared primary puts the shard on that
 *   cluster; any other host becomes a cluster of its own (primary only, named after the host,
 *   credentials from the connection string or else from the service's cluster). Without a
 *   host the shard is a database on the service's cluster. The shard database is the
 *   connection string's `Database`, else the shard `Name`.
 * - `ReadReplicas` hosts become replica nodes of the service's cluster.
 * - `CacheStrategy: ReadThrough` + `CacheTTL` → `cache: { strategy: read-through, ttlSeconds }`.
 */

const DEFAULT_PORT = 5432;

const STRATEGIES = { RangeSharding: 'range', ModuloSharding: 'modulo', HashSharding: 'hash' } as const;
const CACHE_STRATEGIES = { ReadThrough: 'read-through' } as const;
const PROVIDERS = /^(postgresql|postgres|npgsql)$/i;

const MODEL_LIST = { expects: 'a list of Prisma model names' };

const seedShardSchema = z.strictObject({
  Name: guided(topologyNameSchema, {
    expects: 'a name of lower-case letters, digits, "_" or "-", starting with a letter',
    hint: 'e.g. storage_2024',
  }),
  Range: guided(z.string(), {
    expects: '"<first> to <last>" (inclusive) or "<first> onwards"',
    hint: 'e.g. "2024-01-01 to 2024-12-31" or "2026-01-01 onwards"',
  }).optional(),
  Remainder: guided(z.number().int().nonnegative(), {
    expects: 'a whole number, 0 or more',
    hint: "leave it out to use the shard's position in the list",
  }).optional(),
  KeyRange: guided(z.string(), { expects: 'a key range "<hex>-<hex>"', hint: 'e.g. "-80" and "80-" for two shards' }).optional(),
  ConnectionString: guided(z.string(), {
    expects: 'a connection string',
    hint: 'e.g. "Host=db1;Port=5432;Database=storage_2024"',
  }).optional(),
});

const DATABASE_BLOCK = {
  expects: 'a block { Provider, Sharding?, ReadReplicas?, CacheStrategy?, CacheTTL? }',
  hint: 'see config/README.md',
};

export const appSettingsSchema = guided(
  z.strictObject({
    Database: guided(
      z.strictObject({
        Provider: guided(z.string(), { expects: 'PostgreSQL', hint: 'only PostgreSQL is supported' }),
        Sharding: guided(
          z.strictObject({
            Strategy: guided(z.string().min(1), {
              expects: 'one of RangeSharding, ModuloSharding, HashSharding',
              hint: 'see config/README.md',
            }),
            ShardKey: guided(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a column or field name'), {
              expects: 'a column or field name',
              hint: 'e.g. created_date; it becomes the Prisma field createdDate',
            }),
            Models: guided(z.array(z.string().min(1)).min(1), {
              ...MODEL_LIST,
              hint: 'add "Models: [StorageObject]" (the models whose rows are split across the shards)',
            }),
            ReferenceModels: guided(z.array(z.string().min(1)), { ...MODEL_LIST, hint: 'models copied to every shard' }).optional(),
            Modulus: guided(z.number().int().positive(), {
              expects: 'a whole number above 0',
              hint: 'leave it out to use the number of shards',
            }).optional(),
            Shards: guided(z.array(seedShardSchema).min(1), {
              expects: 'a list of { Name, Range | Remainder | KeyRange, ConnectionString? }',
              hint: 'see config/README.md',
            }),
          }),
          { expects: 'a block { Strategy, ShardKey, Models, Shards }', hint: 'see config/README.md' },
        ).optional(),
        ReadReplicas: guided(z.array(z.string()), {
          expects: 'a list of connection strings',
          hint: 'e.g. ["Host=replica1", "Host=replica2"]',
        }).optional(),
        CacheStrategy: guided(z.string(), { expects: 'ReadThrough', hint: 'the only accepted cache strategy is ReadThrough' }).optional(),
        CacheTTL: guided(z.number().positive(), { expects: 'a number of seconds above 0', hint: 'e.g. 300' }).optional(),
      }),
      DATABASE_BLOCK,
    ),
  }),
  {
    expects: 'a block { Database: { Provider, Sharding?, ReadReplicas?, CacheStrategy?, CacheTTL? } }',
    hint: 'paste the service\'s appsettings.json "Database" block here; see config/README.md',
  },
);
export type AppSettings = z.infer<typeof appSettingsSchema>;

type Raw = Record<string, unknown>;

export interface ExpandResult {
  /** The raw topology with every `appsettings` entry replaced by the model's own fields. */
  value: unknown;
  problems: TopologyProblem[];
}

/** `created_date` → `createdDate`: Prisma names a column's field in camelCase (and maps it with @map). */
export function columnToFieldName(column: string): string {
  return column.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Replaces each service entry's `appsettings` block by the topology model's fields, adding
 * the clusters and replica nodes its connection strings name. Works on the raw (interpolated,
 * not yet validated) topology; the result is then validated like a hand-written one.
 */
export function expandAppSettings(raw: unknown): ExpandResult {
  if (!isObject(raw) || !isObject(raw['services'])) return { value: raw, problems: [] };
  const topology = structuredClone(raw);
  const services = topology['services'] as Raw;
  const clusters: Raw = isObject(topology['clusters']) ? (topology['clusters'] as Raw) : {};
  const problems: TopologyProblem[] = [];
  const derivedClusters = new Set<string>();

  for (const [serviceName, entry] of Object.entries(services)) {
    if (!isObject(entry) || !('appsettings' in entry)) continue;
    const { appsettings, ...rest } = entry;
    services[serviceName] = rest;
    const base = ['services', serviceName, 'appsettings'];
    const parsed = appSettingsSchema.safeParse(appsettings);
    if (!parsed.success) {
      problems.push(...describeIssues(parsed.error.issues, { data: appsettings, schema: appSettingsSchema, pathPrefix: base }));
      continue;
    }
    const mapper = new AppSettingsMapper(serviceName, rest, clusters, derivedClusters, [...base, 'Database'], problems);
    mapper.map(parsed.data.Database);
  }
  return { value: topology, problems };
}

class AppSettingsMapper {
  private readonly serviceCluster: Raw | undefined;

  constructor(
    private readonly serviceName: string,
    private readonly entry: Raw,
    private readonly clusters: Raw,
    private readonly derivedClusters: Set<string>,
    private readonly base: PropertyKey[],
    private readonly problems: TopologyProblem[],
  ) {
    const clusterName = entry['cluster'];
    const cluster = typeof clusterName === 'string' ? clusters[clusterName] : undefined;
    // An undeclared cluster is reported by the reference checks; here we just cannot use it.
    this.serviceCluster = isObject(cluster) ? cluster : undefined;
  }

  map(database: AppSettings['Database']): void {
    if (!PROVIDERS.test(database.Provider)) {
      this.problem(['Provider'], 'names a provider other than PostgreSQL', 'write "Provider: PostgreSQL"; only PostgreSQL is supported');
    }
    if (database.Sharding) this.mapSharding(database.Sharding);
    if (database.ReadReplicas) this.mapReadReplicas(database.ReadReplicas);
    this.mapCache(database.CacheStrategy, database.CacheTTL);
  }

  private mapSharding(sharding: NonNullable<AppSettings['Database']['Sharding']>): void {
    const at = ['Sharding'];
    if (this.entry['sharding'] !== undefined) {
      this.problem(
        at,
        'declares sharding a second time',
        `keep either services.${this.serviceName}.sharding or appsettings.Database.Sharding`,
      );
      return;
    }
    const strategy = (STRATEGIES as Record<string, (typeof STRATEGIES)[keyof typeof STRATEGIES]>)[sharding.Strategy];
    if (strategy === undefined) {
      this.problem(
        [...at, 'Strategy'],
        `"${sharding.Strategy}" is not a known sharding strategy`,
        `use one of ${Object.keys(STRATEGIES).join(', ')}`,
      );
      return;
    }
    const shards = sharding.Shards.map((shard, index) => this.mapShard(strategy, shard, index, [...at, 'Shards', index]));
    this.entry['sharding'] = {
      strategy,
      key: columnToFieldName(sharding.ShardKey),
      models: sharding.Models,
      ...(sharding.ReferenceModels ? { referenceModels: sharding.ReferenceModels } : {}),
      ...(sharding.Modulus !== undefined ? { modulus: sharding.Modulus } : {}),
      shards,
    };
  }

  private mapShard(strategy: 'range' | 'modulo' | 'hash', shard: z.infer<typeof seedShardSchema>, index: number, at: PropertyKey[]): Raw {
    const out: Raw = { name: shard.Name, database: shard.Name.replace(/-/g, '_') };
    const wrongField = (field: string, belongsTo: string): void =>
      this.problem([...at, field], `is only used by ${belongsTo}`, `remove it, or change Strategy to ${belongsTo}`);

    if (strategy === 'range') {
      if (shard.Range === undefined)
        this.problem([...at, 'Range'], 'is required by RangeSharding', 'e.g. "2024-01-01 to 2024-12-31" or "2026-01-01 onwards"');
      else {
        const range = parseInclusiveRange(shard.Range);
        if (range.ok) out['range'] = range.value;
        else this.problem([...at, 'Range'], range.problem, range.hint);
      }
    } else if (shard.Range !== undefined) wrongField('Range', 'RangeSharding');

    if (strategy === 'modulo') out['remainder'] = shard.Remainder ?? index;
    else if (shard.Remainder !== undefined) wrongField('Remainder', 'ModuloSharding');

    if (strategy === 'hash') {
      if (shard.KeyRange === undefined)
        this.problem([...at, 'KeyRange'], 'is required by HashSharding', 'e.g. "-80" and "80-" for two shards');
      else out['keyRange'] = shard.KeyRange;
    } else if (shard.KeyRange !== undefined) wrongField('KeyRange', 'HashSharding');

    if (shard.ConnectionString !== undefined) this.placeShard(out, shard.ConnectionString, [...at, 'ConnectionString']);
    return out;
  }

  /** Puts a shard on the cluster its connection string names (declared, or derived from the host). */
  private placeShard(shard: Raw, connectionString: string, at: PropertyKey[]): void {
    const parsed = this.parseConnection(connectionString, at);
    if (!parsed) return;
    if (parsed.database !== undefined) shard['database'] = parsed.database;
    if (parsed.host === undefined) {
      this.checkCredentials(parsed, this.serviceCluster, at);
      return;
    }
    const port = parsed.port ?? DEFAULT_PORT;
    const match = findNodeByAddress(this.clusters, parsed.host, port);
    if (match?.role === 'replica') {
      this.problem(at, `names a replica host of cluster "${match.cluster}"`, 'a shard is written to, so point it at a primary');
      return;
    }
    if (match) {
      shard['cluster'] = match.cluster;
      if (!this.derivedClusters.has(match.cluster)) this.checkCredentials(parsed, this.clusters[match.cluster] as Raw, at);
      return;
    }
    if (!this.serviceCluster) return;
    const name = nameForHost(parsed.host, port);
    if (this.clusters[name] !== undefined) {
      this.problem(
        at,
        `names a host whose cluster name "${name}" is already declared with other nodes`,
        `give cluster "${name}" the host as its primary, or rename that cluster`,
      );
      return;
    }
    const credentials = isObject(this.serviceCluster['credentials']) ? this.serviceCluster['credentials'] : {};
    this.clusters[name] = {
      temperature: this.serviceCluster['temperature'],
      credentials: {
        user: parsed.user ?? credentials['user'],
        ...(parsed.password !== undefined || credentials['password'] !== undefined
          ? { password: parsed.password ?? credentials['password'] }
          : {}),
      },
      primary: { name, host: parsed.host, port },
      replicas: [],
      ...(this.serviceCluster['pool'] !== undefined ? { pool: this.serviceCluster['pool'] } : {}),
    };
    this.derivedClusters.add(name);
    shard['cluster'] = name;
  }

  private mapReadReplicas(readReplicas: string[]): void {
    const cluster = this.serviceCluster;
    if (!cluster) return;
    const replicas = Array.isArray(cluster['replicas']) ? (cluster['replicas'] as unknown[]) : [];
    cluster['replicas'] = replicas;
    readReplicas.forEach((connectionString, index) => {
      const at = ['ReadReplicas', index];
      const parsed = this.parseConnection(connectionString, at);
      if (!parsed) return;
      if (parsed.host === undefined) {
        this.problem(at, 'names no host', 'write e.g. "Host=oracle-replica-1;Port=5432"');
        return;
      }
      if (parsed.database !== undefined && parsed.database !== this.entry['database']) {
        this.problem(
          at,
          "names a database other than the service's",
          `remove Database from it; replicas serve services.${this.serviceName}.database`,
        );
      }
      this.checkCredentials(parsed, cluster, at);
      const port = parsed.port ?? DEFAULT_PORT;
      const clusterName = this.entry['cluster'] as string;
      const match = findNodeByAddress({ [clusterName]: cluster }, parsed.host, port);
      if (match?.role === 'primary') {
        this.problem(at, `names the primary of cluster "${clusterName}"`, 'list only replica hosts in ReadReplicas');
        return;
      }
      if (match) return; // Already a replica of this cluster (e.g. listed by another service).
      const name = nameForHost(parsed.host, port);
      if (replicas.some((r) => isObject(r) && r['name'] === name)) {
        this.problem(
          at,
          `gives a node name "${name}" that cluster "${clusterName}" already uses for another host`,
          'rename that node in the cluster block',
        );
        return;
      }
      replicas.push({ name, host: parsed.host, port });
    });
  }

  private mapCache(strategy: string | undefined, ttl: number | undefined): void {
    if (strategy === undefined) {
      if (ttl !== undefined)
        this.problem(['CacheTTL'], 'is set without CacheStrategy', 'add "CacheStrategy: ReadThrough", or remove CacheTTL');
      return;
    }
    const mapped = (CACHE_STRATEGIES as Record<string, string>)[strategy];
    if (mapped === undefined) {
      this.problem(
        ['CacheStrategy'],
        `"${strategy}" is not a known cache strategy`,
        `use one of ${Object.keys(CACHE_STRATEGIES).join(', ')}`,
      );
      return;
    }
    if (this.entry['cache'] !== undefined) {
      this.problem(
        ['CacheStrategy'],
        'declares the cache a second time',
        `keep either services.${this.serviceName}.cache or appsettings.Database.CacheStrategy`,
      );
      return;
    }
    this.entry['cache'] = { strategy: mapped, ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) };
  }

  private parseConnection(text: string, at: PropertyKey[]): ConnectionParts | undefined {
    const parsed = parseConnectionString(text);
    if (parsed.ok) return parsed.value;
    this.problem(at, parsed.problem, parsed.hint);
    return undefined;
  }

  /** A connection string may repeat its cluster's credentials but not contradict them. */
  private checkCredentials(parts: ConnectionParts, cluster: Raw | undefined, at: PropertyKey[]): void {
    const credentials = cluster && isObject(cluster['credentials']) ? cluster['credentials'] : undefined;
    if (!credentials) return;
    const differs =
      (parts.user !== undefined && parts.user !== credentials['user']) ||
      (parts.password !== undefined && parts.password !== credentials['password']);
    if (differs) {
      this.problem(
        at,
        "has a Username or Password that differs from its cluster's credentials",
        "remove Username and Password from the connection string; the cluster's credentials are used",
      );
    }
  }

  private problem(at: PropertyKey[], problem: string, hint: string): void {
    this.problems.push({ path: formatPath([...this.base, ...at]), problem, hint });
  }
}

/**
 * `2024-01-01 to 2024-12-31` (inclusive, as people write it) → `{ from: '2024-01-01', to: '2025-01-01' }`
 * (half-open, as the router compares). `2026-01-01 onwards` → `{ from: '2026-01-01' }`. Whole numbers too.
 */
export function parseInclusiveRange(text: string): ParseResult<{ from: string | number; to?: string | number }> {
  const hint = 'write "<first> to <last>" (both included), e.g. "2024-01-01 to 2024-12-31", or "<first> onwards"';
  const closed = /^\s*(?<first>\S+)\s+to\s+(?<last>\S+)\s*$/i.exec(text)?.groups;
  const open = /^\s*(?<first>\S+)\s+onwards\s*$/i.exec(text)?.groups;
  const first = closed?.['first'] ?? open?.['first'];
  if (first === undefined) return { ok: false, problem: 'is not a range', hint };
  const from = readBound(first);
  if (from === undefined)
    return { ok: false, problem: 'starts with something that is neither a date (YYYY-MM-DD) nor a whole number', hint };
  if (closed?.['last'] === undefined) return { ok: true, value: { from } };
  const last = readBound(closed['last']);
  if (last === undefined || typeof last !== typeof from) {
    return {
      ok: false,
      problem: 'ends with something of another kind than its start',
      hint: 'use two dates (YYYY-MM-DD) or two whole numbers',
    };
  }
  if (last < from) return { ok: false, problem: 'ends before it starts', hint };
  const to = typeof last === 'number' ? last + 1 : nextDay(last);
  return { ok: true, value: { from, to } };
}

function readBound(text: string): string | number | undefined {
  if (/^-?\d+$/.test(text)) return Number(text);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!date) return undefined;
  const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  // Date.UTC rolls 2024-02-30 over into March: such a date is not real.
  return new Date(ms).toISOString().slice(0, 10) === text ? text : undefined;
}

function nextDay(isoDate: string): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** A cluster or node name from a host: `postgres-storage-2024`, `db-internal-6432`. */
export function nameForHost(host: string, port: number): string {
  let name = host
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = `host-${name}`;
  return port === DEFAULT_PORT ? name : `${name}-${port}`;
}

function findNodeByAddress(clusters: Raw, host: string, port: number): { cluster: string; role: 'primary' | 'replica' } | undefined {
  const same = (node: unknown): boolean =>
    isObject(node) &&
    typeof node['host'] === 'string' &&
    node['host'].toLowerCase() === host.toLowerCase() &&
    (node['port'] ?? DEFAULT_PORT) === port;
  for (const [name, cluster] of Object.entries(clusters)) {
    if (!isObject(cluster)) continue;
    if (same(cluster['primary'])) return { cluster: name, role: 'primary' };
    if (Array.isArray(cluster['replicas']) && cluster['replicas'].some(same)) return { cluster: name, role: 'replica' };
  }
  return undefined;
}

function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
