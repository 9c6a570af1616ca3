// @neo/topology: the declared topology (clusters, nodes, services, shards, pools), loading and
// validating it from a file, binding it to running servers, and resolving the physical targets a
// service connects to. The data layer and the topology runtime both build on it.
export { DataError } from './data.error.js';
export * from './topology.schema.js';
export * from './topology.error.js';
export { loadTopology, locateTopologyFile, DEFAULT_TOPOLOGY_FILE, DEFAULT_POSTGRES_PORT, TOPOLOGY_FILE_VARIABLE } from './load-topology.js';
export type { TopologySource, LoadTopologyOptions } from './load-topology.js';
export { interpolateEnv } from './interpolate-env.js';
export type { Env, InterpolationResult } from './interpolate-env.js';
export { parseConnectionString } from './connection-string.js';
export type { ConnectionParts } from './connection-string.js';
export { appSettingsSchema, columnToFieldName, expandAppSettings, parseInclusiveRange } from './seed-service-config.js';
export type { AppSettings } from './seed-service-config.js';
export { validateReferences } from './validate-references.js';
export * from './effective-shards.js';
export { REDACTED, redactSecrets } from './redact-secrets.js';
export * from './data-node.js';
export * from './server-connection.js';
export * from './bind-topology.js';
export * from './resolve-targets.js';
export * from './shard-layouts.js';
export * from './pgbouncer-entries.js';
