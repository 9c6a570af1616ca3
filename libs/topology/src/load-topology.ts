import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { describeIssues } from './describe-issues.js';
import { interpolateEnv, type Env } from './interpolate-env.js';
import { collectSecrets } from './redact-secrets.js';
import { expandAppSettings } from './seed-service-config.js';
import { TopologyError, type TopologyProblem } from './topology.error.js';
import { clusterSchema, monolithSchema, serviceSchema, topologySchema, type Cluster, type Topology } from './topology.schema.js';
import { validateReferences, type TopologyParts } from './validate-references.js';

export type TopologySource =
  /** A YAML (or JSON) file. */
  | { path: string }
  /** YAML (or JSON) text; `origin` names it in error messages. */
  | { text: string; origin?: string }
  /** An already parsed object, e.g. built in a test. */
  | { object: unknown };

export interface LoadTopologyOptions {
  /** Variables for `${VAR}` interpolation; `process.env` when not given. */
  env?: Env;
  /**
   * Load it as this service's process does: the passwords of logins the service never uses (other
   * services' roles, the clusters' replication roles) may be unset and are then left out, so a
   * deployed service is handed its own secrets only.
   */
  forService?: string;
}

/** Where the local default topology lives, relative to the workspace root. */
export const DEFAULT_TOPOLOGY_FILE = 'config/topology.yaml';
/** Environment variable that points at another topology file. */
export const TOPOLOGY_FILE_VARIABLE = 'NEO_TOPOLOGY';
/** The port a node declared with a host but no port listens on. */
export const DEFAULT_POSTGRES_PORT = 5432;

/**
 * Reads, interpolates, validates and returns the declared topology. Every problem in the
 * file is reported at once, in a `TopologyError` (code `TOPOLOGY_INVALID`) whose lines read
 * `clusters.core.primary.port: expected a number from 1 to 65535 — <hint>`.
 *
 * Steps: YAML → `${VAR}` interpolation → `appsettings` blocks mapped onto the model →
 * shape (zod) → references and sharding layouts. Passwords never appear in a message.
 */
export function loadTopology(source: TopologySource, options: LoadTopologyOptions = {}): Topology {
  const env = options.env ?? process.env;
  const { raw, origin } = readSource(source);

  const interpolated = interpolateEnv(raw, env, options.forService ? { mayBeUnset: passwordsNotUsedBy(options.forService, raw) } : {});
  const expanded = expandAppSettings(interpolated.value);
  const secrets = new Set([...interpolated.secrets, ...collectSecrets(raw), ...collectSecrets(interpolated.value)]);
  const problems: TopologyProblem[] = [...interpolated.problems, ...expanded.problems];

  const parsed = topologySchema.safeParse(expanded.value);
  if (!parsed.success) {
    // A field whose ${VAR} could not be resolved is reported once, for the variable.
    const alreadyReported = new Set(interpolated.problems.map((p) => p.path));
    const shapeProblems = describeIssues(parsed.error.issues, {
      data: expanded.value,
      schema: topologySchema,
      extraKeys: (path) => (/^services\.[^.]+$/.test(path) ? ['appsettings'] : []),
    });
    problems.push(...shapeProblems.filter((p) => !alreadyReported.has(p.path)));
    problems.push(...validateReferences(validParts(expanded.value)));
    throw TopologyError.invalid(origin, problems, secrets);
  }

  const topology = applyNodeDefaults(parsed.data);
  problems.push(...validateReferences(topology));
  if (problems.length > 0) throw TopologyError.invalid(origin, problems, secrets);
  return topology;
}

/**
 * The topology file to use: `$NEO_TOPOLOGY` if set, else config/topology.yaml in the
 * first directory upwards from `cwd` that has one.
 */
export function locateTopologyFile(options: { cwd?: string; env?: Env } = {}): string {
  const env = options.env ?? process.env;
  const fromEnv = env[TOPOLOGY_FILE_VARIABLE];
  if (fromEnv) return resolve(options.cwd ?? process.cwd(), fromEnv);
  let dir = resolve(options.cwd ?? process.cwd());
  for (;;) {
    const candidate = join(dir, DEFAULT_TOPOLOGY_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new TopologyError(
        'TOPOLOGY_UNREADABLE',
        `No ${DEFAULT_TOPOLOGY_FILE} found in ${resolve(options.cwd ?? process.cwd())} or any directory above it — run from the workspace, or set ${TOPOLOGY_FILE_VARIABLE} to the topology file`,
      );
    }
    dir = parent;
  }
}

function readSource(source: TopologySource): { raw: unknown; origin: string } {
  if ('object' in source) return { raw: source.object, origin: '(object)' };
  if ('text' in source) {
    const origin = source.origin ?? '(text)';
    return { raw: parseYaml(source.text, origin), origin };
  }
  let text: string;
  try {
    text = readFileSync(source.path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TopologyError(
      'TOPOLOGY_UNREADABLE',
      `Cannot read the topology file ${source.path} (${reason}) — check the path, or set ${TOPOLOGY_FILE_VARIABLE} to the topology file`,
      { cause },
    );
  }
  return { raw: parseYaml(text, source.path), origin: source.path };
}

function parseYaml(text: string, origin: string): unknown {
  const document = parseDocument(text);
  if (document.errors.length === 0) return document.toJS();
  // The parser's own message quotes the offending line, which may hold a password: report
  // only its first sentence and the position, and leave the parser error out of `cause`.
  const problems = document.errors.map((error) => {
    const position = error.linePos?.[0];
    return {
      path: position ? `line ${position.line}, column ${position.col}` : '(file)',
      problem: `is not valid YAML: ${firstSentence(error.message)}`,
      hint: 'fix the YAML syntax (indentation, quotes, "key: value"); JSON is valid YAML too',
    };
  });
  throw TopologyError.invalid(origin, problems);
}

function firstSentence(message: string): string {
  return (message.split(/ at line \d+/)[0] ?? '').split('\n')[0] ?? '';
}

/** The clusters, services and monolith block of an invalid file that are valid on their own. */
function validParts(raw: unknown): TopologyParts {
  const record = (value: unknown): Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const top = record(raw);
  const clusters: TopologyParts['clusters'] = {};
  for (const [name, cluster] of Object.entries(record(top['clusters']))) {
    const parsed = clusterSchema.safeParse(cluster);
    if (parsed.success) clusters[name] = parsed.data;
  }
  const services: TopologyParts['services'] = {};
  for (const [name, service] of Object.entries(record(top['services']))) {
    const parsed = serviceSchema.safeParse(service);
    if (parsed.success) services[name] = parsed.data;
  }
  const monolith = monolithSchema.safeParse(top['monolith']);
  return {
    clusters: applyNodeDefaults({ clusters }).clusters,
    services,
    ...(monolith.success ? { monolith: monolith.data } : {}),
    declaredClusters: new Set(Object.keys(record(top['clusters']))),
  };
}

/** A node declared with a host but no port listens on PostgreSQL's default port. */
function applyNodeDefaults<T extends { clusters: Record<string, Cluster> }>(topology: T): T {
  for (const cluster of Object.values(topology.clusters)) {
    for (const node of [cluster.primary, ...cluster.replicas]) {
      if (node.host !== undefined && node.port === undefined) node.port = DEFAULT_POSTGRES_PORT;
    }
  }
  return topology;
}

/**
 * Password fields of logins `service` never uses: other services' roles, every replication role,
 * the cluster roles of clusters it has no database on, and its own owner role unless it keeps
 * partitioned tables (whose DDL it runs as that role). Read from the file as written.
 */
function passwordsNotUsedBy(service: string, raw: unknown): (path: string) => boolean {
  type RawService = {
    cluster?: unknown;
    sharding?: {
      shards?: Array<{ cluster?: unknown }>;
      rollover?: { cluster?: unknown };
      next?: { shards?: Array<{ cluster?: unknown }> };
    };
    partitioning?: unknown;
  };
  const file = (raw ?? {}) as { services?: Record<string, RawService>; monolith?: { cluster?: unknown } };
  const own = file.services?.[service];
  const usedClusters = new Set(
    [
      own?.cluster,
      ...[...(own?.sharding?.shards ?? []), ...(own?.sharding?.next?.shards ?? [])].map((shard) => shard.cluster),
      own?.sharding?.rollover?.cluster,
      file.monolith?.cluster,
    ].filter((cluster): cluster is string => typeof cluster === 'string'),
  );
  const serviceRole = /^services\.([^.]+)\.roles\.([^.]+)\.password$/;
  const clusterRole = /^clusters\.([^.]+)\.credentials\.password$/;
  const replicationRole = /^clusters\.[^.]+\.replication\.password$/;
  return (path) => {
    if (replicationRole.test(path)) return true;
    const [, roleOf, role] = serviceRole.exec(path) ?? [];
    if (roleOf !== undefined) return roleOf !== service || (role === 'owner' && !own?.partitioning);
    const cluster = clusterRole.exec(path)?.[1];
    return cluster !== undefined && !usedClusters.has(cluster);
  };
}
