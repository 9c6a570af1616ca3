/**
 * Injection tokens of the data module. Symbols, not classes: the Prisma client class
 * is generated inside each service, so the library cannot name its type.
 */

/** The service's ready Prisma client (see `InjectDataClient`). */
export const DATA_CLIENT = Symbol('neo:data-client');

/** The `DataSource` behind the client: its nodes, pools and how to close them. */
export const DATA_SOURCE = Symbol('neo:data-source');

/** The service's `DataMetrics`: its Prometheus registry, served on `/metrics`. */
export const DATA_METRICS = Symbol('neo:data-metrics');

/** The service's read-through cache as its topology declares it (see `InjectDataCache`). */
export const DATA_CACHE = Symbol('neo:data-cache');
