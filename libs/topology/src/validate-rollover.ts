import { openYearShard } from './effective-shards.js';
import type { ServiceDatabase } from './topology.schema.js';

type Report = (path: PropertyKey[], problem: string, hint: string) => void;

/** What `checkRollover` needs to know of the file's clusters. */
export interface RolloverClusters {
  isDeclared: (cluster: string) => boolean;
  /** How to fix a reference to a cluster that is not declared. */
  hint: string;
  databasesOn: (cluster: string) => ReadonlyMap<string, string> | undefined;
}

const YEAR = '{year}';
const MAX_IDENTIFIER = 63;

/**
 * The checks of `sharding.rollover` that need the rest of the file: it extends a range sharding
 * by date whose latest shard is open-ended from a January 1, and the names it makes for later
 * years are free (no declared shard or database of the cluster has one of them).
 *
 * `clusters.databasesOn(cluster)` gives every database the file declares on a cluster, with the
 * path that declared it.
 */
export function checkRollover(service: ServiceDatabase, at: PropertyKey[], report: Report, clusters: RolloverClusters): void {
  const sharding = service.sharding;
  const rollover = sharding?.rollover;
  if (!sharding || !rollover) return;
  const here = [...at, 'rollover'];
  if (sharding.strategy !== 'range') {
    report(
      here,
      `is only used by the range strategy (this service uses ${sharding.strategy})`,
      'remove it, or shard by a date with strategy: range',
    );
    return;
  }
  const open = openYearShard(sharding.shards);
  if (!open) {
    report(
      here,
      'needs one open-ended shard starting on a January 1 to extend',
      'leave "to" out on the latest shard and start it on January 1, e.g. "range: { from: 2026-01-01 }"',
    );
    return;
  }
  for (const field of ['name', 'database'] as const) {
    const pattern = rollover[field];
    if (pattern.replaceAll(YEAR, '9999').length > MAX_IDENTIFIER) {
      report([...here, field], `is longer than ${MAX_IDENTIFIER} characters once {year} is filled in`, 'use a shorter pattern');
    }
  }

  // A later year's name may not be taken already: by a declared shard, or a database on the cluster.
  const laterYear = (pattern: string, value: string): number | undefined => {
    const [before = '', after = ''] = pattern.split(YEAR);
    if (!value.startsWith(before) || !value.endsWith(after) || value.length !== before.length + 4 + after.length) return undefined;
    const year = Number(value.slice(before.length, before.length + 4));
    return /^\d{4}$/.test(value.slice(before.length, before.length + 4)) && year > open.year ? year : undefined;
  };
  sharding.shards.forEach((shard, index) => {
    const year = laterYear(rollover.name, shard.name);
    if (year !== undefined) {
      report(
        [...at, 'shards', index, 'name'],
        `is the name rollover makes for ${year}, but this shard is declared with another range`,
        `give it another name, or let rollover make it (it extends the open-ended shard "${open.shard.name}")`,
      );
    }
  });
  const cluster = rollover.cluster ?? open.shard.cluster ?? service.cluster;
  if (rollover.cluster !== undefined && !clusters.isDeclared(rollover.cluster)) {
    report([...here, 'cluster'], `cluster "${rollover.cluster}" is not declared`, clusters.hint);
  }
  for (const [database, declaredAt] of clusters.databasesOn(cluster) ?? []) {
    const year = laterYear(rollover.database, database);
    if (year !== undefined) {
      report(
        [...here, 'database'],
        `would make database "${database}" for ${year} on cluster "${cluster}", which ${declaredAt} already uses`,
        'change the pattern (or that database) so every year gets a database of its own',
      );
    }
  }
}
