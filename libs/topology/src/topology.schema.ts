import { z } from 'zod';
import { guided } from './field-guide.js';

/**
 * The declared topology: one source of truth for clusters, nodes, service databases,
 * replicas, shards and pools. People edit it as YAML (config/topology.yaml); it is
 * validated here at load, after `${ENV}` interpolation.
 *
 * A node without `host`/`port` is provided by the topology runtime (embedded
 * PostgreSQL or a container); a node with them is an external server.
 *
 * Each field carries its guide (`guided`): what it expects and how to fix it, shown with every
 * problem at that field. Adding a field here is all it takes; the list of numeric fields that
 * `${VAR}` interpolation turns into numbers is derived from this schema too.
 */

const RUNTIME_NODE = 'or remove host and port so the topology runtime starts this node';
const SQL_NAME = 'lower-case letters, digits and "_", starting with a letter or "_"';
const NAME = {
  expects: 'a name of lower-case letters, digits, "_" or "-", starting with a letter',
  hint: 'e.g. core-primary, core-replica-1 or storage_2024',
};
const CLUSTER = {
  expects: 'the name of a cluster declared under "clusters"',
  hint: 'declare the cluster under "clusters:" or fix the name',
};
const DATABASE = { expects: `a PostgreSQL database name (${SQL_NAME})`, hint: 'e.g. neo_storage' };
const SEE_README = 'see config/README.md';

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
  name: guided(topologyNameSchema, NAME),
  host: guided(z.string().min(1), {
    expects: 'a host name or IP address',
    hint: `e.g. db1.internal or 10.0.0.5, ${RUNTIME_NODE}`,
  }).optional(),
  port: guided(z.number().int().min(1).max(65535), {
    expects: 'a number from 1 to 65535',
    hint: `use the server's port, e.g. 5432, ${RUNTIME_NODE}`,
  }).optional(),
  /**
   * Where the topology's other servers reach this one, when that differs from host/port (a server
   * in a container network, or behind a private address): used only for server-to-server links,
   * e.g. a cutover's logical replication. Default: host and port. The runtime sets it for the
   * servers it starts in containers.
   */
  replicationHost: guided(z.string().min(1), {
    expects: 'a host name or IP address',
    hint: "the name the other servers resolve to this one, e.g. core-primary.internal; leave it out when it is the node's host",
  }).optional(),
  replicationPort: guided(z.number().int().min(1).max(65535), {
    expects: 'a number from 1 to 65535',
    hint: "the port the other servers reach this one on; leave it out when it is the node's port",
  }).optional(),
  /** Share of reads for the `weighted` replica policy. */
  weight: guided(z.number().positive(), {
    expects: 'a number above 0',
    hint: 'under the weighted policy a replica of weight 2 serves twice the reads of one of weight 1',
  }).default(1),
});
export type DeclaredNode = z.infer<typeof nodeSchema>;

export const credentialsSchema = z.strictObject({
  user: guided(sqlNameSchema, { expects: `a PostgreSQL role name (${SQL_NAME})`, hint: 'e.g. neo_core_user' }),
  /** Usually `${SOME_ENV_VAR}`; never logged. */
  password: guided(z.string(), {
    expects: 'text',
    hint: 'write ${SOME_DB_PASSWORD} to take it from the environment; quote a password that looks like a number',
  }).optional(),
});
export type Credentials = z.infer<typeof credentialsSchema>;

const poolFields = {
  /** Connections in one pool; there is one pool per node and database. */
  max: guided(z.number().int().positive(), {
    expects: 'a whole number above 0',
    hint: 'connections in one pool (one pool per node and database), e.g. 10',
  }),
  /** Connections kept open while idle. */
  min: guided(z.number().int().nonnegative(), {
    expects: 'a whole number, 0 or more',
    hint: 'connections a pool keeps open while idle, e.g. 0',
  }),
  idleTimeoutMs: guided(z.number().int().nonnegative(), {
    expects: 'a whole number of milliseconds, 0 or more',
    hint: 'how long an idle connection stays open, e.g. 30000',
  }),
  connectionTimeoutMs: guided(z.number().int().positive(), {
    expects: 'a whole number of milliseconds above 0',
    hint: 'how long to wait for a connection, e.g. 5000',
  }),
  /** Longest one statement may run; the server cancels it then (default 15000, applied by @neo/data). */
  statementTimeoutMs: guided(z.number().int().positive(), {
    expects: 'a whole number of milliseconds above 0',
    hint: 'how long one statement may run before the server cancels it, e.g. 15000',
  }),
  /** Longest an interactive transaction may stay open; it is rolled back then (default 30000, applied by @neo/data). */
  transactionTimeoutMs: guided(z.number().int().positive(), {
    expects: 'a whole number of milliseconds above 0',
    hint: 'how long an interactive transaction may stay open before it is rolled back, e.g. 30000',
  }),
};
const POOL = {
  expects: 'a block { max, min, idleTimeoutMs, connectionTimeoutMs, statementTimeoutMs, transactionTimeoutMs }',
  hint: 'every field is optional; a service pool overrides its cluster pool field by field',
};

export const poolSchema = guided(
  z.strictObject({
    max: poolFields.max.default(10),
    min: poolFields.min.default(0),
    idleTimeoutMs: poolFields.idleTimeoutMs.default(30_000),
    connectionTimeoutMs: poolFields.connectionTimeoutMs.default(5_000),
    // Optional here, with their defaults applied where pools and clients are made, so a pool block
    // written before these fields existed stays valid as a type too.
    statementTimeoutMs: poolFields.statementTimeoutMs.optional(),
    transactionTimeoutMs: poolFields.transactionTimeoutMs.optional(),
  }),
  POOL,
);
export type PoolSettings = z.infer<typeof poolSchema>;

/** A service's pool block: only the fields it sets override its cluster's, so no defaults here. */
export const poolOverridesSchema = guided(
  z.strictObject({
    max: poolFields.max.optional(),
    min: poolFields.min.optional(),
    idleTimeoutMs: poolFields.idleTimeoutMs.optional(),
    connectionTimeoutMs: poolFields.connectionTimeoutMs.optional(),
    statementTimeoutMs: poolFields.statementTimeoutMs.optional(),
    transactionTimeoutMs: poolFields.transactionTimeoutMs.optional(),
  }),
  POOL,
);
export type PoolOverrides = z.infer<typeof poolOverridesSchema>;

const WHOLE_SECONDS = (hint: string) => guided(z.number().int().nonnegative(), { expects: 'a whole number of seconds, 0 or more', hint });
const PGBOUNCER_SIZE = (hint: string) => guided(z.number().int().nonnegative(), { expects: 'a whole number, 0 or more', hint });

/**
 * A PgBouncer in front of the cluster (the seed's section 4). Services connect through it; sessions
 * that need a real server connection (migrations, logical replication, LISTEN) go direct. Each
 * database gets a read-write entry (its own name) and a `<database>_ro` entry to the replicas.
 * Without `host`/`port` the topology runtime starts it (where the `pgbouncer` binary is installed).
 */
export const pgbouncerSchema = guided(
  z.strictObject({
    host: guided(z.string().min(1), {
      expects: 'a host name or IP address',
      hint: 'a PgBouncer that already runs; leave host and port out so the topology runtime starts one',
    }).optional(),
    port: guided(z.number().int().min(1).max(65535), {
      expects: 'a number from 1 to 65535',
      hint: 'e.g. 6432; leave host and port out so the topology runtime starts one',
    }).optional(),
    /** Only transaction pooling: a server connection serves one transaction at a time, then the next client. */
    poolMode: guided(z.literal('transaction'), {
      expects: 'transaction',
      hint: 'the data layer needs nothing from a session, so transaction pooling is the only mode offered',
    }).default('transaction'),
    maxClientConn: guided(z.number().int().positive(), {
      expects: 'a whole number above 0',
      hint: 'client connections PgBouncer accepts in all, e.g. 1000',
    }).default(1000),
    defaultPoolSize: guided(z.number().int().positive(), {
      expects: 'a whole number above 0',
      hint: 'server connections per database entry and user, e.g. 25',
    }).default(25),
    minPoolSize: PGBOUNCER_SIZE('server connections kept open per database entry once used, e.g. 10').default(10),
    reservePoolSize: PGBOUNCER_SIZE('extra server connections for a pool whose clients waited reservePoolTimeoutSeconds, e.g. 5').default(
      5,
    ),
    reservePoolTimeoutSeconds: WHOLE_SECONDS('how long a client waits before the reserve pool opens, e.g. 3').default(3),
    serverLifetimeSeconds: WHOLE_SECONDS('a server connection older than this is closed once released, e.g. 3600').default(3600),
    serverIdleTimeoutSeconds: WHOLE_SECONDS('a server connection idle longer than this is closed, e.g. 600').default(600),
  }),
  {
    expects:
      'a block { maxClientConn, defaultPoolSize, minPoolSize, reservePoolSize, reservePoolTimeoutSeconds, serverLifetimeSeconds, serverIdleTimeoutSeconds }',
    hint: 'every field is optional and defaults to the seed\'s setting; "pgbouncer: {}" is PgBouncer with those settings',
  },
);
export type PgBouncerSettings = z.infer<typeof pgbouncerSchema>;
/**
 * TLS to a cluster's servers: clients verify the server's certificate against `ca` and its name
 * (sslmode=verify-full). For servers the topology runtime starts, declaring `tls` (even `{}`)
 * makes it create a local CA and server certificates and accept TLS connections only.
 */
export const tlsSchema = guided(
  z.strictObject({
    /** PEM file of the CA that signed the servers' certificates; the runtime's own CA when absent. */
    ca: guided(z.string().min(1), {
      expects: 'a path to a PEM file',
      hint: 'e.g. /etc/neo/tls/ca.crt (the CA that signed the servers)',
    }).optional(),
    /** A client certificate and its key, for servers that ask for one. */
    cert: guided(z.string().min(1), {
      expects: 'a path to a PEM file',
      hint: 'a client certificate; leave it out when the server asks for none',
    }).optional(),
    key: guided(z.string().min(1), { expects: 'a path to a PEM file', hint: "the client certificate's key" }).optional(),
    /** The name the server's certificate must carry, when it differs from the node's host (an IP or an alias). */
    serverName: guided(z.string().min(1), {
      expects: 'a host name',
      hint: "e.g. db1.internal; leave it out to check the node's host",
    }).optional(),
  }),
  {
    expects: 'a block { ca?, cert?, key?, serverName? }',
    hint: 'write "tls: {}" to let the runtime make a local CA; see config/README.md (TLS)',
  },
);
export type TlsSettings = z.infer<typeof tlsSchema>;

/**
 * pgaudit's session audit on a cluster's servers, where they have pgaudit (Debian's
 * postgresql-15-pgaudit beside the system PostgreSQL 15): `ddl` logs schema changes, `role` logs
 * role and grant changes. Statement parameters are never logged (pgaudit.log_parameter off).
 */
export const clusterAuditSchema = guided(
  z.strictObject({
    ddl: guided(z.boolean(), { expects: 'true or false', hint: 'true logs every CREATE, ALTER and DROP' }).default(true),
    role: guided(z.boolean(), { expects: 'true or false', hint: 'true logs every role, GRANT and REVOKE change' }).default(true),
  }),
  { expects: 'a block { ddl?, role? }', hint: 'write "audit: {}" to log DDL and role changes; see config/README.md (audit)' },
);
export type ClusterAudit = z.infer<typeof clusterAuditSchema>;

/** What pgaudit logs of one service beyond its cluster's audit: the writes to its data. */
export const serviceAuditSchema = guided(
  z.strictObject({
    writes: guided(z.boolean(), {
      expects: 'true or false',
      hint: "true logs every INSERT, UPDATE, DELETE and TRUNCATE on the service's databases and monolith schema",
    }).default(false),
  }),
  { expects: 'a block { writes }', hint: 'e.g. "audit: { writes: true }"; see config/README.md (audit)' },
);
export type ServiceAudit = z.infer<typeof serviceAuditSchema>;

/**
 * How `neo-db up --auto-failover` watches the cluster's primary: it is asked every `checkIntervalMs`
 * (a connect and `SELECT 1`, which may take what is left of `unreachableForMs`), and once it has
 * answered nothing for `unreachableForMs`, a replica is promoted (with the fencing of `neo-db failover`)
 * and the old primary is brought back as a replica of it. A cluster without replicas is not watched.
 */
export const failoverSchema = guided(
  z
    .strictObject({
      unreachableForMs: guided(z.number().int().min(500).max(600_000), {
        expects: 'a whole number of milliseconds from 500 to 600000',
        hint: 'how long the primary may not answer before a replica takes over, e.g. 5000; shorter fails over on a mere hiccup',
      }).default(5_000),
      checkIntervalMs: guided(z.number().int().min(50).max(60_000), {
        expects: 'a whole number of milliseconds from 50 to 60000',
        hint: 'how often the primary is asked, e.g. 500',
      }).default(500),
    })
    // Compared only once unreachableForMs itself is valid: its own problem is the one to report then.
    .refine((failover) => failover.unreachableForMs < 500 || failover.checkIntervalMs <= failover.unreachableForMs, {
      message: 'checkIntervalMs must not be longer than unreachableForMs, or one failed check would already be too late',
      path: ['checkIntervalMs'],
    }),
  {
    expects: 'a block { unreachableForMs?, checkIntervalMs? }',
    hint: 'e.g. "failover: { unreachableForMs: 5000 }"; see config/README.md (failover)',
  },
);
export type FailoverSettings = z.infer<typeof failoverSchema>;

export const clusterSchema = z.strictObject({
  temperature: guided(z.enum(['hot', 'warm', 'cold']), {
    expects: 'one of hot, warm, cold',
    hint: 'hot: primary with read replicas; warm: single primary with backups; cold: archive and analytics',
  }),
  credentials: guided(credentialsSchema, {
    expects: 'a block { user, password }',
    hint: 'e.g. "credentials: { user: neo_core_user, password: ${CORE_DB_PASSWORD} }"',
  }),
  primary: guided(nodeSchema, {
    expects: 'a node { name, host?, port? }',
    hint: 'e.g. "primary: { name: core-primary }"; add host and port only for a server that already runs',
  }),
  replicas: guided(z.array(nodeSchema), {
    expects: 'a list of nodes { name, host?, port?, weight? }',
    hint: 'write "replicas: []" for a cluster without replicas',
  }).default([]),
  pool: poolSchema.default(poolSchema.parse({})),
  /**
   * The role replicas stream with (and logical replication connects as). When set, it is the
   * only role with REPLICATION; when absent, the cluster's `credentials` role streams.
   */
  replication: guided(credentialsSchema, {
    expects: 'a block { user, password }',
    hint: 'e.g. "replication: { user: neo_core_replication, password: ${CORE_REPLICATION_PASSWORD} }"',
  }).optional(),
  /**
   * Commits wait until this many replicas have the WAL (`synchronous_standby_names = 'ANY n (*)'`
   * on every node, so a promoted replica keeps it): a failover to the most caught-up replica then
   * loses no acknowledged write. Absent or 0: asynchronous, where a primary that dies can take its
   * last acknowledged commits with it.
   */
  synchronousReplicas: guided(z.number().int().min(0), {
    expects: 'a whole number of replicas, 0 or more',
    hint: 'e.g. "synchronousReplicas: 1": a commit returns once one replica has it',
  }).optional(),
  /** Automatic failover under `neo-db up --auto-failover`; absent: the defaults of `failoverSchema`. */
  failover: failoverSchema.optional(),
  /** Services reach the cluster through this PgBouncer when it runs; absent: they connect to the servers directly. */
  pgbouncer: pgbouncerSchema.optional(),
  tls: tlsSchema.optional(),
  /** DDL and role changes logged by pgaudit, where the servers have it. */
  audit: clusterAuditSchema.optional(),
  /** Regular backups (application cluster in the seed). */
  backups: guided(
    z.strictObject({
      schedule: guided(z.string().min(1), { expects: 'a cron expression', hint: 'e.g. "0 2 * * *" for every night at 02:00' }),
      keepDays: guided(z.number().int().positive(), { expects: 'a whole number of days above 0', hint: 'e.g. 30' }).default(30),
    }),
    { expects: 'a block { schedule, keepDays }', hint: 'e.g. "backups: { schedule: \'0 2 * * *\', keepDays: 30 }"' },
  ).optional(),
});
export type Cluster = z.infer<typeof clusterSchema>;

export const replicaPolicySchema = z.enum(['round-robin', 'random', 'weighted', 'least-outstanding']);
export type ReplicaPolicy = z.infer<typeof replicaPolicySchema>;

export const readsSchema = guided(
  z.strictObject({
    policy: guided(replicaPolicySchema, {
      expects: 'one of round-robin, random, weighted, least-outstanding',
      hint: 'round-robin suits replicas of equal size',
    }).default('round-robin'),
    /** A replica lagging more than this leaves the rotation (the seed's 100 ms). */
    maxLagMs: guided(z.number().nonnegative(), {
      expects: 'a number of milliseconds, 0 or more',
      hint: 'a replica lagging more than this stops serving reads, e.g. 100',
    }).default(100),
    /** How often the lag monitor polls each replica. */
    lagPollIntervalMs: guided(z.number().int().positive(), {
      expects: 'a whole number of milliseconds above 0',
      hint: 'how often replica lag is measured, e.g. 200',
    }).default(200),
  }),
  { expects: 'a block { policy, maxLagMs, lagPollIntervalMs }', hint: 'every field is optional' },
);
export type ReadSettings = z.infer<typeof readsSchema>;

/**
 * Write coalescing, opt-in per model: concurrent single-row `create` calls of a listed model on
 * the same primary become one multi-row INSERT. See config/README.md (write coalescing).
 */
export const coalesceSchema = guided(
  z.strictObject({
    models: guided(z.array(z.string().regex(/^[A-Z][A-Za-z0-9_]*$/)).min(1), {
      expects: 'a list of Prisma model names, as in schema.prisma',
      hint: 'e.g. "models: [Feed, PriceUpdate]"',
    }),
    /** Most calls in one INSERT; a full batch is sent at once. */
    maxBatch: guided(z.number().int().min(2).max(1000), {
      expects: 'a whole number from 2 to 1000',
      hint: 'e.g. 100',
    }).default(100),
    /** How long the first call of a batch waits for others; 0 is the next turn of the event loop. */
    windowMs: guided(z.number().nonnegative().max(50), {
      expects: 'a number of milliseconds from 0 to 50',
      hint: '0 (the default) sends a batch on the next turn of the event loop, after the calls made in this one',
    }).default(0),
    /** Send a batch as one raw `unnest` INSERT where the model allows (true), or always through Prisma's `createManyAndReturn` (false). */
    rawInserts: guided(z.boolean(), {
      expects: 'true or false',
      hint: 'true (the default) sends batches as one raw unnest INSERT where the model allows; false always through createManyAndReturn',
    }).default(true),
  }),
  { expects: 'a block { models, maxBatch?, windowMs?, rawInserts? }', hint: 'e.g. "coalesce: { models: [Feed] }"' },
);
export type CoalesceSettings = z.infer<typeof coalesceSchema>;

export const writesSchema = guided(
  z.strictObject({
    coalesce: coalesceSchema.optional(),
  }),
  { expects: 'a block { coalesce? }', hint: 'e.g. "writes: { coalesce: { models: [Feed] } }"; see config/README.md (write coalescing)' },
);
export type WriteSettings = z.infer<typeof writesSchema>;

export const cacheSchema = guided(
  z.strictObject({
    strategy: guided(z.literal('read-through'), { expects: 'read-through', hint: 'the only cache strategy is read-through' }),
    ttlSeconds: guided(z.number().positive(), { expects: 'a number of seconds above 0', hint: 'e.g. 300' }).default(300),
    /** When set, the cache lives in Redis; otherwise in process. */
    redisUrl: guided(z.string().min(1), {
      expects: 'a redis:// URL',
      hint: 'e.g. redis://127.0.0.1:6379; leave it out for an in-process cache',
    }).optional(),
  }),
  { expects: 'a block { strategy: read-through, ttlSeconds, redisUrl? }', hint: 'leave it out for no cache' },
);
export type CacheSettings = z.infer<typeof cacheSchema>;

const RANGE_BOUND = z.union([z.string(), z.number()]);

/** A shard is a database, on its service's cluster unless `cluster` names another. */
export const shardSchema = z.strictObject({
  name: guided(topologyNameSchema, NAME),
  database: guided(sqlNameSchema, DATABASE),
  cluster: guided(topologyNameSchema, CLUSTER).optional(),
  /** range strategy: `[from, to)`; `to` absent = open-ended last shard. ISO dates or numbers. */
  range: guided(
    z.strictObject({
      from: guided(RANGE_BOUND, { expects: 'an ISO date (2024-01-01) or a number', hint: 'the first key of the range (inclusive)' }),
      to: guided(RANGE_BOUND, {
        expects: 'an ISO date (2025-01-01) or a number',
        hint: 'the first key after the range (exclusive)',
      }).optional(),
    }),
    {
      expects: 'a block { from, to? } of ISO dates or numbers',
      hint: '"to" is exclusive; leave "to" out on the last shard for an open end',
    },
  ).optional(),
  /** modulo strategy: rows with `key % modulus === remainder`. */
  remainder: guided(z.number().int().nonnegative(), {
    expects: 'a whole number, 0 or more',
    hint: 'rows with key % modulus == remainder live on this shard',
  }).optional(),
  /** hash strategy: a Vitess-style key range such as `-40`, `40-80`, `c0-`. */
  keyRange: guided(z.string().regex(/^[0-9a-f]*-[0-9a-f]*$/, 'a key range is "<hex>-<hex>", e.g. "-40", "40-80", "c0-"'), {
    expects: 'a key range "<hex>-<hex>"',
    hint: 'e.g. "-80" and "80-" for two shards; the ranges must tile "-" exactly',
  }).optional(),
});
export type Shard = z.infer<typeof shardSchema>;

const YEAR_PLACEHOLDER = '{year}';

/**
 * Range sharding by date only: shards for years after the declared ones, made from a name
 * pattern. The layout at time T has one shard per year up to the year of T + aheadDays (see
 * `effectiveShards`); `neo-db maintain` creates and migrates each one before it is routed to.
 */
export const rolloverSchema = guided(
  z.strictObject({
    /** One shard per UTC calendar year (the only period offered). */
    every: guided(z.literal('year'), {
      expects: 'year',
      hint: 'shards roll over once a year, on January 1 (UTC)',
    }).default('year'),
    /** How long before January 1 next year's shard is made and routed to. */
    aheadDays: guided(z.number().int().min(1).max(366), {
      expects: 'a whole number of days from 1 to 366',
      hint: "how long before January 1 next year's shard is made, e.g. 30",
    }),
    name: guided(z.string().regex(/^[a-z][a-z0-9_-]*\{year\}[a-z0-9_-]*$/), {
      expects: `a shard name pattern with ${YEAR_PLACEHOLDER} once, of lower-case letters, digits, "_" or "-", starting with a letter`,
      hint: `e.g. storage_${YEAR_PLACEHOLDER}`,
    }),
    database: guided(z.string().regex(/^[a-z_][a-z0-9_]*\{year\}[a-z0-9_]*$/), {
      expects: `a database name pattern with ${YEAR_PLACEHOLDER} once, of lower-case letters, digits and "_", starting with a letter or "_"`,
      hint: `e.g. neo_storage_${YEAR_PLACEHOLDER}; each year gets its own database`,
    }),
    /** The cluster of the new shards; default: the cluster of the latest declared shard. */
    cluster: guided(topologyNameSchema, CLUSTER).optional(),
  }),
  {
    expects: 'a block { every: year, aheadDays, name, database, cluster? }',
    hint: "e.g. \"rollover: { every: year, aheadDays: 30, name: 'storage_{year}', database: 'neo_storage_{year}' }\"; see config/README.md (rollover)",
  },
);
export type Rollover = z.infer<typeof rolloverSchema>;

const MODEL_NAMES = z.array(z.string().min(1));
/** The fields a shard layout shares with the layout a reshard moves to. */
const SHARDING_STRATEGY = guided(z.enum(['range', 'modulo', 'hash']), { expects: 'one of range, modulo, hash', hint: SEE_README });
const MODULUS = guided(z.number().int().positive(), {
  expects: 'a whole number above 0',
  hint: 'leave it out to use the number of shards',
});

/**
 * A second shard layout of the same key and models, declared beside the current one while
 * `neo-db reshard` moves the rows to it (e.g. modulo 4 → 8, a key range split in two, a range
 * split). Fields left out keep the current layout's value.
 */
export const nextLayoutSchema = guided(
  z.strictObject({
    strategy: SHARDING_STRATEGY.optional(),
    modulus: MODULUS.optional(),
    singleModels: guided(z.record(z.string(), topologyNameSchema), {
      expects: 'a map of Prisma model name to shard name',
      hint: 'where each single model lives in the new layout; leave it out to keep the current one',
    }).optional(),
    shards: guided(z.array(shardSchema).min(1), {
      expects: 'a list of shards { name, database, cluster?, range | remainder | keyRange }',
      hint: "the new layout's shards: new databases, on this or another cluster",
    }),
    /** How long `neo-db reshard <service> finish` keeps the old layout after writes moved. */
    keepOldLayoutDays: guided(z.number().int().nonnegative(), {
      expects: 'a whole number of days, 0 or more',
      hint: 'the old layout is kept (and followed) this long before finish may drop it; default 7',
    }).default(7),
  }),
  {
    expects: 'a block { strategy?, modulus?, shards, keepOldLayoutDays? }',
    hint: 'see config/README.md (Resharding)',
  },
);
export type NextLayout = z.infer<typeof nextLayoutSchema>;

export const shardingSchema = guided(
  z.strictObject({
    strategy: SHARDING_STRATEGY,
    /** Prisma field name of the shard key, e.g. `userId`, `createdDate`. */
    key: guided(z.string().min(1), {
      expects: 'the Prisma field name of the shard key',
      hint: 'e.g. userId or createdDate (the Prisma field, not the column created_date)',
    }),
    /** Models (Prisma model names) whose rows are split across the shards. */
    models: guided(MODEL_NAMES.min(1), {
      expects: 'a list of Prisma model names',
      hint: 'e.g. [Transaction]: the models whose rows are split across the shards',
    }),
    /** Models copied to every shard (written everywhere, read locally). */
    referenceModels: guided(MODEL_NAMES, {
      expects: 'a list of Prisma model names',
      hint: 'models copied to every shard, e.g. [Contract]',
    }).default([]),
    /** Models that live on one named shard. */
    singleModels: guided(z.record(z.string(), topologyNameSchema), {
      expects: 'a map of Prisma model name to shard name',
      hint: 'e.g. { Setting: smartcontracts_0 }',
    }).default({}),
    modulus: MODULUS.optional(),
    shards: guided(z.array(shardSchema).min(1), {
      expects: 'a list of shards { name, database, cluster?, range | remainder | keyRange }',
      hint: SEE_README,
    }),
    /** Range sharding by date: next year's shard made ahead of time from a pattern. */
    rollover: rolloverSchema.optional(),
    /** The layout `neo-db reshard` moves the rows to, while `shards` still holds them. */
    next: nextLayoutSchema.optional(),
  }),
  { expects: 'a block { strategy, key, models, shards }', hint: 'see config/README.md for the three strategies' },
);
export type Sharding = z.infer<typeof shardingSchema>;

/** A time-partitioned table inside the service's database: partitions made ahead, dropped after the retention. */
export const partitionedTableSchema = z.strictObject({
  /** The table, created `PARTITION BY RANGE (<column>)` by the service's migration. */
  table: guided(sqlNameSchema, {
    expects: `a table name (${SQL_NAME})`,
    hint: 'the table the migration creates PARTITION BY RANGE, e.g. metric_samples',
  }),
  column: guided(sqlNameSchema, {
    expects: `a column name (${SQL_NAME})`,
    hint: 'the timestamp column the table is partitioned by, e.g. recorded_at',
  }),
  /** One partition per UTC day or month. */
  interval: guided(z.enum(['day', 'month']), { expects: 'one of day, month', hint: 'one partition per UTC day or month' }).default('day'),
  /** A partition whose whole period is older than this is dropped. */
  retentionDays: guided(z.number().int().positive(), {
    expects: 'a whole number of days above 0',
    hint: 'a partition whose whole period is older than this is dropped, e.g. 30',
  }),
  /** Periods created ahead of the current one. */
  partitionsAhead: guided(z.number().int().nonnegative(), {
    expects: 'a whole number, 0 or more',
    hint: 'partitions created ahead of the current period, e.g. 3',
  }).default(3),
});
export type PartitionedTable = z.infer<typeof partitionedTableSchema>;

const ROLE_LOGIN = (example: string) => ({
  expects: 'a block { user, password }',
  hint: `e.g. "{ user: ${example}, password: \${STORAGE_APP_DB_PASSWORD} }"; the password may also come from a *_FILE secret file`,
});

/**
 * Least privilege per service: migrations and the cutover run as `owner` (DDL), the service
 * runs as `app` (DML on its own databases and its monolith schema, no CREATE), and replica
 * reads use `readonly` when declared. See config/README.md (roles).
 */
export const serviceRolesSchema = guided(
  z
    .strictObject({
      owner: guided(credentialsSchema, ROLE_LOGIN('neo_storage_owner')),
      app: guided(credentialsSchema, ROLE_LOGIN('neo_storage_app')),
      readonly: guided(credentialsSchema, ROLE_LOGIN('neo_storage_ro')).optional(),
    })
    .refine(
      (roles) => new Set([roles.owner.user, roles.app.user, roles.readonly?.user ?? roles.app.user]).size === (roles.readonly ? 3 : 2),
      {
        message: 'owner, app and readonly must be different roles, or the app role could run DDL',
      },
    ),
  { expects: 'a block { owner, app, readonly? }', hint: 'see config/README.md (roles)' },
);
export type ServiceRoles = z.infer<typeof serviceRolesSchema>;

/** Which of a service's roles a connection uses: `app` for the service, `owner` for migrations. */
export type ServiceLogin = 'app' | 'owner';

export const serviceSchema = z.strictObject({
  cluster: guided(topologyNameSchema, CLUSTER),
  database: guided(sqlNameSchema, DATABASE),
  /** The schema that holds this service's tables inside the monolith; defaults to the service name. */
  monolithSchema: guided(sqlNameSchema, {
    expects: `a PostgreSQL schema name (${SQL_NAME})`,
    hint: 'leave it out to use the service name',
  }).optional(),
  /** Directory under prisma/ holding schema.prisma and migrations/; defaults to the service name. */
  prismaDir: guided(z.string().min(1), {
    expects: 'a directory name under prisma/',
    hint: 'leave it out to use the service name',
  }).optional(),
  reads: readsSchema.default(readsSchema.parse({})),
  /** How writes reach the primary (write coalescing). */
  writes: writesSchema.optional(),
  cache: cacheSchema.optional(),
  sharding: shardingSchema.optional(),
  /** Time-partitioned tables with retention (the cold tier). */
  partitioning: guided(z.array(partitionedTableSchema), {
    expects: 'a list of tables { table, column, interval?, retentionDays, partitionsAhead? }',
    hint: 'see config/README.md (partitioning)',
  }).default([]),
  /** Overrides the cluster's pool settings field by field. */
  pool: poolOverridesSchema.optional(),
  /** The service's own roles; without them it connects with its cluster's `credentials`. */
  roles: serviceRolesSchema.optional(),
  /** Writes logged by pgaudit, where the servers have it. */
  audit: serviceAuditSchema.optional(),
});
export type ServiceDatabase = z.infer<typeof serviceSchema>;

export const monolithSchema = guided(
  z.strictObject({
    cluster: guided(topologyNameSchema, CLUSTER),
    database: guided(sqlNameSchema, DATABASE).default('neo_service_layer'),
  }),
  { expects: 'a block { cluster, database }', hint: 'e.g. "monolith: { cluster: monolith, database: neo_service_layer }"' },
);
export type Monolith = z.infer<typeof monolithSchema>;

export const topologySchema = z.strictObject({
  version: guided(z.literal(1), { expects: 'the number 1', hint: 'write "version: 1" at the top of the file' }),
  clusters: guided(z.record(topologyNameSchema, clusterSchema), {
    expects: 'a map of cluster name to cluster',
    hint: 'see config/README.md for a cluster block',
  }),
  services: guided(z.record(topologyNameSchema, serviceSchema), {
    expects: 'a map of service name to service database',
    hint: 'see config/README.md for a service block',
  }),
  monolith: monolithSchema,
});
export type Topology = z.infer<typeof topologySchema>;
/** What a topology file may contain before defaults are applied. */
export type TopologyInput = z.input<typeof topologySchema>;
