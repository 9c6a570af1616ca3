import type { Role } from './topology.schema.js';

/**
 * The names of a database's entries in its cluster's PgBouncer (the `[databases]` section):
 *
 * - `<database>`: read-write, to the primary (the seed's `neo_storage`);
 * - `<database>_ro`: read-only, to the replicas, round-robin (the seed's `neo_storage_ro`);
 * - `<database>_ro__<replica>`: to one replica, so the data layer keeps choosing a replica by its
 *   lag and health (PgBouncer only knows whether a host answers).
 *
 * PgBouncer 1.18 accepts only `[A-Za-z0-9_]` in an entry's name, hence `-` becomes `_`.
 */
export function pgbouncerEntryName(database: string, target: { role: Role; node: string }): string {
  return target.role === 'primary' ? database : `${pgbouncerReadOnlyEntryName(database)}__${target.node.replaceAll('-', '_')}`;
}

/** The `<database>_ro` entry: any replica of the database. */
export function pgbouncerReadOnlyEntryName(database: string): string {
  return `${database}_ro`;
}
