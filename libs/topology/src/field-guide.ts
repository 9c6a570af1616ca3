/**
 * What each topology field expects and how to fix it, keyed by field name. Problems name
 * the field's path, say what it expects, and give one of these hints.
 */
export interface FieldGuide {
  expects: string;
  hint: string;
}

const RUNTIME_NODE = 'or remove host and port so the topology runtime starts this node';
const SQL_NAME = 'lower-case letters, digits and "_", starting with a letter or "_"';

export const fieldGuide: Record<string, FieldGuide> = {
  version: { expects: 'the number 1', hint: 'write "version: 1" at the top of the file' },
  clusters: { expects: 'a map of cluster name to cluster', hint: 'see config/README.md for a cluster block' },
  services: { expects: 'a map of service name to service database', hint: 'see config/README.md for a service block' },
  monolith: { expects: 'a block { cluster, database }', hint: 'e.g. "monolith: { cluster: monolith, database: neo_service_layer }"' },
  temperature: {
    expects: 'one of hot, warm, cold',
    hint: 'hot: primary with read replicas; warm: single primary with backups; cold: archive and analytics',
  },
  credentials: {
    expects: 'a block { user, password }',
    hint: 'e.g. "credentials: { user: neo_core_user, password: ${CORE_DB_PASSWORD} }"',
  },
  user: { expects: `a PostgreSQL role name (${SQL_NAME})`, hint: 'e.g. neo_core_user' },
  password: {
    expects: 'text',
    hint: 'write ${SOME_DB_PASSWORD} to take it from the environment; quote a password that looks like a number',
  },
  primary: {
    expects: 'a node { name, host?, port? }',
    hint: 'e.g. "primary: { name: core-primary }"; add host and port only for a server that already runs',
  },
  replicas: { expects: 'a list of nodes { name, host?, port?, weight? }', hint: 'write "replicas: []" for a cluster without replicas' },
  name: {
    expects: 'a name of lower-case letters, digits, "_" or "-", starting with a letter',
    hint: 'e.g. core-primary, core-replica-1 or storage_2024',
  },
  host: { expects: 'a host name or IP address', hint: `e.g. db1.internal or 10.0.0.5, ${RUNTIME_NODE}` },
  port: { expects: 'a number from 1 to 65535', hint: `use the server's port, e.g. 5432, ${RUNTIME_NODE}` },
  weight: {
    expects: 'a number above 0',
    hint: 'under the weighted policy a replica of weight 2 serves twice the reads of one of weight 1',
  },
  pool: {
    expects: 'a block { max, min, idleTimeoutMs, connectionTimeoutMs }',
    hint: 'every field is optional; a service pool overrides its cluster pool field by field',
  },
  max: { expects: 'a whole number above 0', hint: 'connections in one pool (one pool per node and database), e.g. 10' },
  min: { expects: 'a whole number, 0 or more', hint: 'connections a pool keeps open while idle, e.g. 0' },
  idleTimeoutMs: { expects: 'a whole number of milliseconds, 0 or more', hint: 'how long an idle connection stays open, e.g. 30000' },
  connectionTimeoutMs: { expects: 'a whole number of milliseconds above 0', hint: 'how long to wait for a connection, e.g. 5000' },
  backups: { expects: 'a block { schedule, keepDays }', hint: 'e.g. "backups: { schedule: \'0 2 * * *\', keepDays: 30 }"' },
  schedule: { expects: 'a cron expression', hint: 'e.g. "0 2 * * *" for every night at 02:00' },
  keepDays: { expects: 'a whole number of days above 0', hint: 'e.g. 30' },
  cluster: { expects: 'the name of a cluster declared under "clusters"', hint: 'declare the cluster under "clusters:" or fix the name' },
  database: { expects: `a PostgreSQL database name (${SQL_NAME})`, hint: 'e.g. neo_storage' },
  monolithSchema: { expects: `a PostgreSQL schema name (${SQL_NAME})`, hint: 'leave it out to use the service name' },
  prismaDir: { expects: 'a directory name under prisma/', hint: 'leave it out to use the service name' },
  reads: { expects: 'a block { policy, maxLagMs, lagPollIntervalMs }', hint: 'every field is optional' },
  policy: { expects: 'one of round-robin, random, weighted, least-outstanding', hint: 'round-robin suits replicas of equal size' },
  maxLagMs: { expects: 'a number of milliseconds, 0 or more', hint: 'a replica lagging more than this stops serving reads, e.g. 100' },
  lagPollIntervalMs: { expects: 'a whole number of milliseconds above 0', hint: 'how often replica lag is measured, e.g. 200' },
  cache: { expects: 'a block { strategy: read-through, ttlSeconds, redisUrl? }', hint: 'leave it out for no cache' },
  strategy: { expects: 'one of the accepted strategies', hint: 'see config/README.md' },
  ttlSeconds: { expects: 'a number of seconds above 0', hint: 'e.g. 300' },
  redisUrl: { expects: 'a redis:// URL', hint: 'e.g. redis://127.0.0.1:6379; leave it out for an in-process cache' },
  sharding: { expects: 'a block { strategy, key, models, shards }', hint: 'see config/README.md for the three strategies' },
  key: {
    expects: 'the Prisma field name of the shard key',
    hint: 'e.g. userId or createdDate (the Prisma field, not the column created_date)',
  },
  models: { expects: 'a list of Prisma model names', hint: 'e.g. [Transaction]: the models whose rows are split across the shards' },
  referenceModels: { expects: 'a list of Prisma model names', hint: 'models copied to every shard, e.g. [Contract]' },
  singleModels: { expects: 'a map of Prisma model name to shard name', hint: 'e.g. { Setting: smartcontracts_0 }' },
  modulus: { expects: 'a whole number above 0', hint: 'leave it out to use the number of shards' },
  shards: { expects: 'a list of shards { name, database, cluster?, range | remainder | keyRange }', hint: 'see config/README.md' },
  range: {
    expects: 'a block { from, to? } of ISO dates or numbers',
    hint: '"to" is exclusive; leave "to" out on the last shard for an open end',
  },
  from: { expects: 'an ISO date (2024-01-01) or a number', hint: 'the first key of the range (inclusive)' },
  to: { expects: 'an ISO date (2025-01-01) or a number', hint: 'the first key after the range (exclusive)' },
  remainder: { expects: 'a whole number, 0 or more', hint: 'rows with key % modulus == remainder live on this shard' },
  keyRange: { expects: 'a key range "<hex>-<hex>"', hint: 'e.g. "-80" and "80-" for two shards; the ranges must tile "-" exactly' },
  appsettings: {
    expects: 'a block { Database: { Provider, Sharding?, ReadReplicas?, CacheStrategy?, CacheTTL? } }',
    hint: 'paste the service\'s appsettings.json "Database" block here; see config/README.md',
  },
  Database: { expects: 'a block { Provider, Sharding?, ReadReplicas?, CacheStrategy?, CacheTTL? }', hint: 'see config/README.md' },
  Provider: { expects: 'PostgreSQL', hint: 'only PostgreSQL is supported' },
  Sharding: { expects: 'a block { Strategy, ShardKey, Models, Shards }', hint: 'see config/README.md' },
  Strategy: { expects: 'one of RangeSharding, ModuloSharding, HashSharding', hint: 'see config/README.md' },
  ShardKey: { expects: 'a column or field name', hint: 'e.g. created_date; it becomes the Prisma field createdDate' },
  Models: {
    expects: 'a list of Prisma model names',
    hint: 'add "Models: [StorageObject]" (the models whose rows are split across the shards)',
  },
  ReferenceModels: { expects: 'a list of Prisma model names', hint: 'models copied to every shard' },
  Modulus: { expects: 'a whole number above 0', hint: 'leave it out to use the number of shards' },
  Shards: { expects: 'a list of { Name, Range | Remainder | KeyRange, ConnectionString? }', hint: 'see config/README.md' },
  Name: { expects: 'a name of lower-case letters, digits, "_" or "-", starting with a letter', hint: 'e.g. storage_2024' },
  Range: {
    expects: '"<first> to <last>" (inclusive) or "<first> onwards"',
    hint: 'e.g. "2024-01-01 to 2024-12-31" or "2026-01-01 onwards"',
  },
  Remainder: { expects: 'a whole number, 0 or more', hint: "leave it out to use the shard's position in the list" },
  KeyRange: { expects: 'a key range "<hex>-<hex>"', hint: 'e.g. "-80" and "80-" for two shards' },
  ConnectionString: { expects: 'a connection string', hint: 'e.g. "Host=db1;Port=5432;Database=storage_2024"' },
  ReadReplicas: { expects: 'a list of connection strings', hint: 'e.g. ["Host=replica1", "Host=replica2"]' },
  CacheStrategy: { expects: 'ReadThrough', hint: 'the only accepted cache strategy is ReadThrough' },
  CacheTTL: { expects: 'a number of seconds above 0', hint: 'e.g. 300' },
};
