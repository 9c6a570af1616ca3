import type { Side } from '../selection/index.js';
import type { DataNode } from '@neo/topology';
import type { NodeProbe } from '../pool/index.js';

/** One node as readiness sees it: which side it belongs to, its probe, and whether routing sends reads to it. */
export interface ProbedNode {
  readonly node: DataNode;
  readonly label: string;
  readonly side: Side;
  readonly probe: NodeProbe;
  /** Replicas: whether routing sends reads to it now (healthy and within the lag bound); undefined when unknown. */
  readonly inRotation?: boolean;
}

/** Where a service's calls go (see `SidePlacement`); a service without a monolith side has everything on `service`. */
export interface PlacementFacts {
  readonly writes: Side;
  readonly reads: 'service' | 'by-user';
}

export type ReadinessStatus = 'up' | 'degraded' | 'down';

export interface ReadsReadiness {
  /** `up`: every database that serves reads answers; `degraded`: some do not (or the service side serving some users does not); `down`: none does. */
  status: ReadinessStatus;
  /** The sides reads go to: both while the reads rollout sends some users to the service's own databases. */
  sides: Side[];
  /** Databases (`cluster/database[/schema]`) serving reads where no node answers. */
  unavailable: string[];
}

export interface WritesReadiness {
  /** `up`: every primary writes go to answers; `degraded`: some do not (a shard); `down`: none does. */
  status: ReadinessStatus;
  side: Side;
  /** Primaries writes go to that do not answer. */
  unavailable: string[];
}

export interface Readiness {
  /** `down` only when reads cannot be served; writes that cannot, or a node that is down, make it `degraded`. */
  status: ReadinessStatus;
  reads: ReadsReadiness;
  writes: WritesReadiness;
  /** Nodes of the sides in use that do not answer (for example a replica: reads go on elsewhere). */
  nodesDown: string[];
}

/**
 * Whether the side that serves a service can take its reads, and separately its writes, from the
 * probes of its nodes:
 * - reads of a database work while any of its nodes answers and would be sent reads (the primary,
 *   or a replica in rotation): a database whose primary is down but whose replicas answer is
 *   readable, and never reported otherwise;
 * - writes work while the primaries of the side writes go to answer;
 * - nodes of a side that serves nothing now (the monolith after a cutover, the service's own
 *   databases before one) are left out: they neither fail nor degrade readiness.
 */
export function assessReadiness(nodes: readonly ProbedNode[], placement: PlacementFacts): Readiness {
  const readSides =
    placement.writes === 'service' || placement.reads === 'service' ? (['service'] as Side[]) : (['monolith', 'service'] as Side[]);
  // With reads by user, the monolith serves every call without a user and every user outside the rollout.
  const fullReadSide: Side = readSides.length === 1 ? 'service' : 'monolith';
  const inUse = new Set<Side>([placement.writes, ...readSides]);

  const databases = groupByDatabase(nodes.filter((node) => readSides.includes(node.side)));
  const unreadable = [...databases].filter(([, members]) => !members.some(servesReads));
  const fullDatabases = [...databases].filter(([, members]) => members[0]!.side === fullReadSide);
  const fullUnreadable = unreadable.filter(([, members]) => members[0]!.side === fullReadSide);
  const readsStatus: ReadinessStatus =
    fullDatabases.length > 0 && fullUnreadable.length === fullDatabases.length ? 'down' : unreadable.length > 0 ? 'degraded' : 'up';

  const writePrimaries = nodes.filter((node) => node.side === placement.writes && node.node.role === 'primary');
  const primariesDown = writePrimaries.filter((node) => node.probe.status === 'down');
  const writesStatus: ReadinessStatus =
    primariesDown.length === 0 ? 'up' : primariesDown.length === writePrimaries.length ? 'down' : 'degraded';

  const nodesDown = nodes.filter((node) => inUse.has(node.side) && node.probe.status === 'down').map((node) => node.label);
  const status: ReadinessStatus =
    readsStatus === 'down' ? 'down' : readsStatus === 'up' && writesStatus === 'up' && nodesDown.length === 0 ? 'up' : 'degraded';
  return {
    status,
    reads: { status: readsStatus, sides: readSides, unavailable: unreadable.map(([database]) => database) },
    writes: { status: writesStatus, side: placement.writes, unavailable: primariesDown.map((node) => node.label) },
    nodesDown,
  };
}

/** Whether a node would serve a read now: it answers, and (a replica) routing has it in rotation. */
function servesReads(node: ProbedNode): boolean {
  return node.probe.status === 'up' && (node.node.role === 'primary' || node.inRotation !== false);
}

/** `cluster/database[/schema]`: the nodes holding the same data. */
function groupByDatabase(nodes: readonly ProbedNode[]): Map<string, ProbedNode[]> {
  const groups = new Map<string, ProbedNode[]>();
  for (const node of nodes) {
    const key = [node.node.cluster, node.node.database, ...(node.node.schema === undefined ? [] : [node.node.schema])].join('/');
    groups.set(key, [...(groups.get(key) ?? []), node]);
  }
  return groups;
}
