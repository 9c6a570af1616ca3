import { z } from 'zod';

/**
 * The declared topology: one source of truth for clusters, nodes, service databases,
 * replicas, shards and pools. People edit it as YAML (config/topology.yaml); it is
 * validated here at load, after `${ENV}` interpolation.
 *
 * A node without `host`/`port` is provided by the topology runtime (embedded
 * PostgreSQL or a container); a node with them is an external server.
 */

export const roleSchema = z.enum(['primary', 'replica']);
export type Role = z.infer<typeof roleSchema>;

/** Names of clusters, nodes, services and shards. */
export const topologyNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'use lower-case letters, digits, "_" or "-", starting with a letter');

/** Names of databases, roles and schemas: PostgreSQL identifiers that need no quoting. */
export const sqlNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'use lower-case letters, digits and "_" (a PostgreSQL identifier that needs no quoting)');

export const nodeSchema = z.strictObject({
  /** Unique within its cluster, e.g. `core-primary`, `core-replica-1`. */
  name: topologyNameSchema,
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  /** Share of reads for the `weighted` replica policy. */
  weight: z.number().positive().default(1),
});
export type DeclaredNode = z.infer<typeof nodeSchema>;

export const credentialsSchema = z.strictObject({
  user: sqlNameSchema,
  /** Usually `${SOME_ENV_VAR}`; never logged. */
  password: z.string().optional(),
});
export type Credentials = z.infer<typeof credentialsSchema>;

const poolFields = {
  /** Connections in one pool; there is one pool per node and database. */
  max: z.number().int().positive(),
  /** Connections kept open while idle. */
  min: z.number().int().nonnegative(),
  idleTimeoutMs: z.number().int().nonnegative(),
  connectionTimeoutMs: z.number().int().positive(),
};

export const poolSchema = z.strictObject({
  max: poolFields.max.default(10),
  min: poolFields.min.default(0),
  idleTimeoutMs: poolFields.idleTimeoutMs.default(30_000),
  connectionTimeoutMs: poolFields.connectionTimeoutMs.default(5_000),
});
export type PoolSettings = z.infer<typeof poolSchema>;

/** A service's pool block: only the fields it sets override its cluster's, so no defaults here. */
export const poolOverridesSchema = z.strictObject({
  max: poolFields.max.optional(),
  min: poolFields.min.optional(),
  idleTimeoutMs: poolFields.idleTimeoutMs.optional(),
  connectionTimeoutMs: poolFields.connectionTimeoutMs.optional(),
});
export type PoolOverrides = z.infer<typeof poolOverridesSchema>;

export const clusterSchema = z.strictObject({
  temperature: z.enum(['hot', 'warm', 'cold']),
  credentials: credentialsSchema,
  primary: nodeSchema,
  replicas: z.array(nodeSchema).default([]),
  pool: poolSchema.default(poolSchema.parse({})),
  /** Regular backups (application cluster in the seed). */
  backups: z.strictObject({ schedule: z.string().min(1), keepDays: z.number().int().positive().default(30) }).optional(),
});
export type Cluster = z.infer<typeof clusterSchema>;

export const replicaPolicySchema = z.enum(['round-robin', 'random', 'weighted', 'least-outstanding']);
export type ReplicaPolicy = z.infer<typeof replicaPolicySchema>;

export const readsSchema = z.strictObject({
  policy: replicaPolicySchema.default('round-robin'),
  /** A replica lagging more than this leaves the rotation (the seed's 100 ms). */
  maxLagMs: z.number().nonnegative().default(100),
  /** How often the lag monitor polls each replica. */
  lagPollIntervalMs: z.number().int().positive().default(200),
});
export type ReadSettings = z.infer<typeof readsSchema>;

export const cacheSchema = z.strictObject({
  strategy: z.literal('read-through'),
  ttlSeconds: z.number().positive().default(300),
  /** When set, the cache lives in Redis; otherwise in process. */
  redisUrl: z.string().min(1).optional(),
});
export type CacheSettings = z.infer<typeof cacheSchema>;

/** A shard is a database, on its service's cluster unless `cluster` names another. */
export const shardSchema = z.strictObject({
  name: topologyNameSchema,
  database: sqlNameSchema,
  cluster: topologyNameSchema.optional(),
  /** range strategy: `[from, to)`; `to` absent = open-ended last shard. ISO dates or numbers. */
  range: z.strictObject({ from: z.union([z.string(), z.number()]), to: z.union([z.string(), z.number()]).optional() }).optional(),
  /** modulo strategy: rows with `key % modulus === remainder`. */
  remainder: z.number().int().nonnegative().optional(),
  /** hash strategy: a Vitess-style key range such as `-40`, `40-80`, `c0-`. */
  keyRange: z
    .string()
    .regex(/^[0-9a-f]*-[0-9a-f]*$/, 'a key range is "<hex>-<hex>", e.g. "-40", "40-80", "c0-"')
    .optional(),
});
export type Shard = z.infer<typeof shardSchema>;

export const shardingSchema = z.strictObject({
  strategy: z.enum(['range', 'modulo', 'hash']),
  /** Prisma field name of the shard key, e.g. `userId`, `createdDate`. */
  key: z.string().min(1),
  /** Models (Prisma model names) whose rows are split across the shards. */
  models: z.array(z.string().min(1)).min(1),
  /** Models copied to every shard (written everywhere, read locally). */
  referenceModels: z.array(z.string().min(1)).default([]),
  /** Models that live on one named shard. */
  singleModels: z.record(z.string(), topologyNameSchema).default({}),
  modulus: z.number().int().positive().optional(),
  shards: z.array(shardSchema).min(1),
});
export type Sharding = z.infer<typeof shardingSchema>;

/** A time-partitioned table inside the service's database: partitions made ahead, dropped after the retention. */
export const partitionedTableSchema = z.strictObject({
  /** The table, created `PARTITION BY RANGE (<column>)` by the service's migration. */
  table: sqlNameSchema,
  column: sqlNameSchema,
  /** One partition per UTC day or month. */
  interval: z.enum(['day', 'month']).default('day'),
  /** A partition whose whole period is older than this is dropped. */
  retentionDays: z.number().int().positive(),
  /** Periods created ahead of the current one. */
  partitionsAhead: z.number().int().nonnegative().default(3),
});
export type PartitionedTable = z.infer<typeof partitionedTableSchema>;

export const serviceSchema = z.strictObject({
  cluster: topologyNameSchema,
  database: sqlNameSchema,
  /** The schema that holds this service's tables inside the monolith; defaults to the service name. */
  monolithSchema: sqlNameSchema.optional(),
  /** Directory under prisma/ holding schema.prisma and migrations/; defaults to the service name. */
  prismaDir: z.string().min(1).optional(),
  reads: readsSchema.default(readsSchema.parse({})),
  cache: cacheSchema.optional(),
  sharding: shardingSchema.optional(),
  /** Time-partitioned tables with retention (the cold tier). */
  partitioning: z.array(partitionedTableSchema).default([]),
  /** Overrides the cluster's pool settings field by field. */
  pool: poolOverridesSchema.optional(),
});
export type ServiceDatabase = z.infer<typeof serviceSchema>;

export const monolithSchema = z.strictObject({
  cluster: topologyNameSchema,
  database: sqlNameSchema.default('neo_service_layer'),
});
export type Monolith = z.infer<typeof monolithSchema>;

export const topologySchema = z.strictObject({
  version: z.literal(1),
  clusters: z.record(topologyNameSchema, clusterSchema),
  services: z.record(topologyNameSchema, serviceSchema),
  monolith: monolithSchema,
});
export type Topology = z.infer<typeof topologySchema>;
/** What a topology file may contain before defaults are applied. */
export type TopologyInput = z.input<typeof topologySchema>;
