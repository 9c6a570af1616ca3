import { formatPath } from './field-path.js';
import type { TopologyProblem } from './topology.error.js';
import { layoutSharding } from './shard-layouts.js';
import type { Cluster, Monolith, ServiceDatabase, Shard, Sharding, Topology } from './topology.schema.js';
import { checkRollover } from './validate-rollover.js';

/** The blocks of a topology that passed their own shape checks (all of them, for a valid file). */
export interface TopologyParts {
  clusters: Record<string, Cluster>;
  services: Record<string, ServiceDatabase>;
  monolith?: Monolith;
  /** Every cluster name the file declares, valid or not, so references to a broken cluster are not reported twice. */
  declaredClusters?: ReadonlySet<string>;
}

/**
 * The checks zod cannot make field by field: names that refer to other blocks, names that
 * must be unique, and sharding layouts that must cover their key space without overlap.
 * It also runs on the valid blocks of an invalid file, so one refusal lists every problem.
 */
export function validateReferences(topology: Topology | TopologyParts): TopologyProblem[] {
  const problems: TopologyProblem[] = [];
  const report = (path: PropertyKey[], problem: string, hint: string): void => {
    problems.push({ path: formatPath(path), problem, hint });
  };
  const declaredNames = ('declaredClusters' in topology ? topology.declaredClusters : undefined) ?? new Set(Object.keys(topology.clusters));
  const isDeclared = (name: string): boolean => declaredNames.has(name);
  const clusterHint = `declare it under "clusters:" or use one of: ${[...declaredNames].join(', ') || '(none declared)'}`;

  for (const [name, cluster] of Object.entries(topology.clusters)) checkNodes(name, cluster, report);

  // Every database, by the cluster it lives on, with the path that declared it.
  const databases = new Map<string, Map<string, string>>();
  const claimDatabase = (cluster: string, database: string, path: PropertyKey[]): void => {
    const onCluster = databases.get(cluster) ?? new Map<string, string>();
    databases.set(cluster, onCluster);
    const first = onCluster.get(database);
    if (first !== undefined) {
      report(
        path,
        `database "${database}" is already used on cluster "${cluster}" by ${first}`,
        'give each service database and shard its own database name',
      );
    } else {
      onCluster.set(database, formatPath(path));
    }
  };

  const monolith = topology.monolith;
  if (monolith && !isDeclared(monolith.cluster)) {
    report(['monolith', 'cluster'], `cluster "${monolith.cluster}" is not declared`, clusterHint);
  } else if (monolith) {
    claimDatabase(monolith.cluster, monolith.database, ['monolith', 'database']);
  }

  const monolithSchemas = new Map<string, string>();
  for (const [name, service] of Object.entries(topology.services)) {
    const at = ['services', name];
    if (!isDeclared(service.cluster)) {
      report([...at, 'cluster'], `cluster "${service.cluster}" is not declared`, clusterHint);
    } else {
      claimDatabase(service.cluster, service.database, [...at, 'database']);
    }
    const schema = service.monolithSchema ?? name;
    const owner = monolithSchemas.get(schema);
    if (owner !== undefined) {
      report(
        [...at, 'monolithSchema'],
        `monolith schema "${schema}" is already used by service "${owner}"`,
        'give each service its own monolithSchema',
      );
    } else {
      monolithSchemas.set(schema, name);
    }
    if (!service.sharding) continue;
    const shardingAt = [...at, 'sharding'];
    service.sharding.shards.forEach((shard, i) => {
      const shardCluster = shard.cluster ?? service.cluster;
      if (shard.cluster !== undefined && !isDeclared(shard.cluster)) {
        report([...shardingAt, 'shards', i, 'cluster'], `cluster "${shard.cluster}" is not declared`, clusterHint);
      } else if (isDeclared(shardCluster)) {
        claimDatabase(shardCluster, shard.database, [...shardingAt, 'shards', i, 'database']);
      }
    });
    checkSharding(service.sharding, shardingAt, report);
    if (service.sharding.next) {
      // The next layout's shards are new databases: a reshard never copies a shard onto itself.
      service.sharding.next.shards.forEach((shard, i) => {
        const shardCluster = shard.cluster ?? service.cluster;
        const path = [...shardingAt, 'next', 'shards', i];
        if (shard.cluster !== undefined && !isDeclared(shard.cluster)) {
          report([...path, 'cluster'], `cluster "${shard.cluster}" is not declared`, clusterHint);
        } else if (isDeclared(shardCluster)) {
          claimDatabase(shardCluster, shard.database, [...path, 'database']);
        }
        if (service.sharding!.shards.some((current) => current.name === shard.name))
          report([...path, 'name'], `shard name "${shard.name}" is used by the current layout`, "give the new layout's shards new names");
      });
      checkSharding(layoutSharding(service.sharding, 'next'), [...shardingAt, 'next'], report);
    }
  }

  // Shards made by rollover are named from a pattern: checked once every database of the file is known.
  const rolloverClusters = { isDeclared, hint: clusterHint, databasesOn: (cluster: string) => databases.get(cluster) };
  for (const [name, service] of Object.entries(topology.services)) {
    checkRollover(service, ['services', name, 'sharding'], report, rolloverClusters);
  }
  return problems;
}

type Report = (path: PropertyKey[], problem: string, hint: string) => void;

function checkNodes(clusterName: string, cluster: Cluster, report: Report): void {
  const at = ['clusters', clusterName];
  const nodes = [
    { node: cluster.primary, path: [...at, 'primary'] },
    ...cluster.replicas.map((node, i) => ({ node, path: [...at, 'replicas', i] })),
  ];
  const seen = new Set<string>();
  for (const { node, path } of nodes) {
    if (seen.has(node.name)) {
      report(
        [...path, 'name'],
        `node name "${node.name}" is used twice in cluster "${clusterName}"`,
        'give every node of a cluster its own name, e.g. core-replica-1, core-replica-2',
      );
    }
    seen.add(node.name);
    if (node.port !== undefined && node.host === undefined) {
      report(
        [...path, 'host'],
        'is missing while port is set',
        'set both host and port for a server that already runs, or neither so the topology runtime starts it',
      );
    }
  }
}

function checkSharding(sharding: Sharding, at: PropertyKey[], report: Report): void {
  const shardNames = new Set<string>();
  sharding.shards.forEach((shard, i) => {
    if (shardNames.has(shard.name))
      report([...at, 'shards', i, 'name'], `shard name "${shard.name}" is used twice`, 'give every shard its own name');
    shardNames.add(shard.name);
  });
  for (const [model, shardName] of Object.entries(sharding.singleModels)) {
    if (!shardNames.has(shardName))
      report(
        [...at, 'singleModels', model],
        `names shard "${shardName}", which is not declared`,
        `use one of: ${[...shardNames].join(', ')}`,
      );
  }
  for (const model of sharding.referenceModels) {
    if (sharding.models.includes(model))
      report(
        [...at, 'referenceModels'],
        `model "${model}" is both sharded and a reference model`,
        'list it in models or in referenceModels, not both',
      );
  }
  if (sharding.modulus !== undefined && sharding.strategy !== 'modulo') {
    report([...at, 'modulus'], 'is only used by the modulo strategy', 'remove it, or set strategy: modulo');
  }
  const fieldOf = { range: 'range', modulo: 'remainder', hash: 'keyRange' } as const;
  const own = fieldOf[sharding.strategy];
  sharding.shards.forEach((shard, i) => {
    for (const [strategy, field] of Object.entries(fieldOf)) {
      const present = shard[field] !== undefined;
      if (field === own && !present) report([...at, 'shards', i, field], `is required by the ${strategy} strategy`, hintFor(strategy));
      if (field !== own && present)
        report(
          [...at, 'shards', i, field],
          `is only used by the ${strategy} strategy`,
          `remove it (this service uses strategy: ${sharding.strategy})`,
        );
    }
  });
  if (sharding.strategy === 'range') {
    const ranged = sharding.shards.flatMap((shard, index) => (shard.range ? [{ index, name: shard.name, range: shard.range }] : []));
    if (ranged.length === sharding.shards.length) checkRanges(ranged, at, report);
  }
  if (sharding.strategy === 'modulo') {
    const placed = sharding.shards.flatMap((shard, index) =>
      shard.remainder !== undefined ? [{ index, name: shard.name, remainder: shard.remainder }] : [],
    );
    if (placed.length === sharding.shards.length) checkRemainders(placed, sharding.modulus, at, report);
  }
  if (sharding.strategy === 'hash') {
    const keyed = sharding.shards.flatMap((shard, index) =>
      shard.keyRange !== undefined ? [{ index, name: shard.name, keyRange: shard.keyRange }] : [],
    );
    if (keyed.length === sharding.shards.length) checkKeyRanges(keyed, at, report);
  }
}

function hintFor(strategy: string): string {
  if (strategy === 'range') return 'e.g. "range: { from: 2024-01-01, to: 2025-01-01 }"';
  if (strategy === 'modulo') return 'e.g. "remainder: 0"; remainders 0 to modulus-1 each appear once';
  return 'e.g. "keyRange: -80" and "keyRange: 80-"';
}

/** Consecutive pairs of a list: [a, b], [b, c], … */
function pairs<T>(items: readonly T[]): Array<[T, T]> {
  return items.slice(1).map((next, i) => [items[i] as T, next]);
}

type Bound = { value: number; kind: 'date' | 'number' };
type RangedShard = { index: number; name: string; range: NonNullable<Shard['range']> };

/** Range shards: `from < to`, one kind of bound, no overlap, only the highest may be open-ended. */
function checkRanges(shards: RangedShard[], at: PropertyKey[], report: Report): void {
  const read = (v: string | number, path: PropertyKey[]): Bound | undefined => {
    if (typeof v === 'number') return { value: v, kind: 'number' };
    const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) ? Date.parse(v) : Number.NaN;
    if (Number.isNaN(ms)) {
      report(path, 'is neither an ISO date nor a number', 'write a date such as 2024-01-01 (or 2024-01-01T00:00:00Z), or a number');
      return undefined;
    }
    return { value: ms, kind: 'date' };
  };
  const bounds: Array<{ index: number; name: string; from: Bound; to?: Bound }> = [];
  for (const { index, name, range } of shards) {
    const path = [...at, 'shards', index, 'range'];
    const from = read(range.from, [...path, 'from']);
    const to = range.to === undefined ? undefined : read(range.to, [...path, 'to']);
    if (!from || (range.to !== undefined && !to)) continue;
    if (to && to.kind !== from.kind) {
      report(path, 'mixes a date and a number', 'use dates for both ends or numbers for both');
    } else if (to && to.value <= from.value) {
      report(path, '"to" is not after "from"', '"from" is included and "to" is not, so "to" must be later');
    } else {
      bounds.push({ index, name, from, ...(to ? { to } : {}) });
    }
  }
  if (bounds.length !== shards.length) return;
  if (new Set(bounds.map((b) => b.from.kind)).size > 1) {
    report(
      [...at, 'shards'],
      'mixes date ranges and number ranges',
      'the shard key has one type: use dates for every shard or numbers for every shard',
    );
    return;
  }
  const sorted = [...bounds].sort((a, b) => a.from.value - b.from.value);
  for (const [current, next] of pairs(sorted)) {
    if (current.to === undefined) {
      report(
        [...at, 'shards', current.index, 'range', 'to'],
        'is open-ended but another shard starts later',
        'only the shard with the latest "from" may leave "to" out',
      );
    } else if (next.from.value < current.to.value) {
      report(
        [...at, 'shards', next.index, 'range'],
        `overlaps the range of shard "${current.name}"`,
        '"to" is exclusive: a range may start exactly where the previous one ends, not before',
      );
    }
  }
}

/** Modulo shards: each remainder 0..modulus-1 exactly once; the modulus defaults to the shard count. */
function checkRemainders(
  shards: Array<{ index: number; name: string; remainder: number }>,
  declaredModulus: number | undefined,
  at: PropertyKey[],
  report: Report,
): void {
  const modulus = declaredModulus ?? shards.length;
  const owners = new Map<number, string>();
  for (const { index, name, remainder } of shards) {
    const owner = owners.get(remainder);
    if (remainder >= modulus) {
      report(
        [...at, 'shards', index, 'remainder'],
        `is ${remainder}, not below the modulus ${modulus}`,
        `use 0 to ${modulus - 1}${declaredModulus === undefined ? ' (the modulus is the number of shards unless set)' : ''}`,
      );
    } else if (owner !== undefined) {
      report(
        [...at, 'shards', index, 'remainder'],
        `${remainder} is already served by shard "${owner}"`,
        'give each shard its own remainder',
      );
    } else {
      owners.set(remainder, name);
    }
  }
  const missing = Array.from({ length: modulus }, (_, r) => r).filter((r) => !owners.has(r));
  if (missing.length > 0 && missing.length < modulus) {
    report(
      [...at, 'shards'],
      `no shard serves remainder ${missing.join(', ')} of modulus ${modulus}`,
      'add a shard for each missing remainder, or lower the modulus',
    );
  }
}

/**
 * Hash shards: Vitess-style key ranges over the keyspace id, written in hex; `-40` is
 * [start, 0x40), `c0-` is [0xc0, end]. Together they must tile `-` exactly: no gap, no overlap.
 */
function checkKeyRanges(shards: Array<{ index: number; name: string; keyRange: string }>, at: PropertyKey[], report: Report): void {
  // "40" and "4000" are the same bound: compare with trailing zeros removed and right-padded.
  const norm = (hex: string): string => hex.toLowerCase().replace(/0+$/, '');
  const compare = (a: string, b: string): number => {
    const width = Math.max(a.length, b.length);
    const pa = a.padEnd(width, '0');
    const pb = b.padEnd(width, '0');
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  };
  const ranges = shards.map(({ index, name, keyRange }) => {
    const [start = '', end = ''] = keyRange.split('-');
    return { index, name, start: norm(start), end: norm(end) };
  });
  const backwards = ranges.filter((r) => r.end !== '' && compare(r.start, r.end) >= 0);
  for (const r of backwards) {
    report([...at, 'shards', r.index, 'keyRange'], 'ends before it starts', 'the part before "-" must be lower than the part after it');
  }
  if (backwards.length > 0) return;
  const sorted = [...ranges].sort((a, b) => compare(a.start, b.start));
  const tilingHint = 'the key ranges must cover "-" exactly, each starting where the previous ends, e.g. "-40", "40-80", "80-c0", "c0-"';
  if (sorted[0]?.start !== '') {
    report([...at, 'shards'], 'no shard covers the start of the key space', `let one shard start with "-" (e.g. "-40"); ${tilingHint}`);
  }
  for (const [current, next] of pairs(sorted)) {
    if (current.end === '') {
      report(
        [...at, 'shards', current.index, 'keyRange'],
        `runs to the end of the key space, overlapping shard "${next.name}"`,
        tilingHint,
      );
    } else if (compare(next.start, current.end) < 0) {
      report([...at, 'shards', next.index, 'keyRange'], `overlaps the key range of shard "${current.name}"`, tilingHint);
    } else if (compare(next.start, current.end) > 0) {
      report([...at, 'shards', next.index, 'keyRange'], `leaves a gap after the key range of shard "${current.name}"`, tilingHint);
    }
  }
  if (sorted.at(-1)?.end !== '') {
    report([...at, 'shards'], 'no shard covers the end of the key space', `let one shard end with "-" (e.g. "c0-"); ${tilingHint}`);
  }
}
