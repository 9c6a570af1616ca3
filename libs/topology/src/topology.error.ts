import { DataError } from './data.error.js';
import { redactSecrets } from './redact-secrets.js';

/** Stable codes of the topology's errors, for callers that branch on them. */
export type TopologyErrorCode =
  /** The topology file does not describe a valid topology; `problems` lists every finding. */
  | 'TOPOLOGY_INVALID'
  /** The topology file could not be read. */
  | 'TOPOLOGY_UNREADABLE'
  /** A node has no host/port yet: the topology runtime has not started it and none was declared. */
  | 'TOPOLOGY_UNBOUND'
  /** A service name that the topology does not declare. */
  | 'TOPOLOGY_UNKNOWN_SERVICE'
  /** An endpoint given for a `<cluster>/<node>` that the topology does not declare. */
  | 'TOPOLOGY_UNKNOWN_NODE';

/** One finding about a topology: where, what is wrong, and how to fix it. */
export interface TopologyProblem {
  /** Dotted path of the field, e.g. `clusters.core.primary.port` or `services.storage.sharding.shards[1].range`. */
  path: string;
  /** What is wrong, e.g. `expected a number from 1 to 65535`. Never contains a value that may be a secret. */
  problem: string;
  /** How to fix it. */
  hint: string;
}

/** `clusters.core.primary.port: expected a number from 1 to 65535 — use the server's port…` */
export function formatProblem(p: TopologyProblem): string {
  return `${p.path || '(top level)'}: ${p.problem} — ${p.hint}`;
}

export class TopologyError extends DataError {
  declare readonly code: TopologyErrorCode;
  /** Every problem found (only for `TOPOLOGY_INVALID`). */
  readonly problems: readonly TopologyProblem[];

  constructor(code: TopologyErrorCode, message: string, options: { cause?: unknown; problems?: TopologyProblem[] } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.problems = options.problems ?? [];
  }

  /**
   * The error for a refused topology. `secrets` are the passwords met while loading: they are
   * cut out of every message as a last line of defence (messages are built not to echo values).
   */
  static invalid(origin: string, problems: TopologyProblem[], secrets: Iterable<string> = []): TopologyError {
    const secretList = [...secrets];
    const clean = problems.map((p) => ({
      path: redactSecrets(p.path, secretList),
      problem: redactSecrets(p.problem, secretList),
      hint: redactSecrets(p.hint, secretList),
    }));
    const count = clean.length === 1 ? '1 problem' : `${clean.length} problems`;
    const lines = clean.map((p) => `  - ${formatProblem(p)}`).join('\n');
    return new TopologyError('TOPOLOGY_INVALID', `The topology ${origin} is invalid (${count}):\n${lines}`, { problems: clean });
  }
}
