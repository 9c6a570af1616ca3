import type { QueryRecorder } from '../metrics/data-metrics.js';
import type { Role } from '@neo/topology';
import type { CircuitBreaker } from './circuit-breaker.js';
import { isConnectionError } from './connection-error.js';
import type { RoutableNode } from './routable-node.js';

/** Per-node counters, kept in memory for tests and status pages (metrics carry the same in Prometheus). */
export interface NodeStats {
  reads: number;
  writes: number;
  /** Calls that failed, for any reason. */
  errors: number;
  /** Calls that failed because the node could not be reached. */
  connectionErrors: number;
}

/**
 * One physical node as the router uses it: its Prisma client, its breaker, its counters.
 * `run` is the only way a call reaches the client, so every call is counted, timed and
 * reported to the breaker.
 */
export class NodeClient<C> implements RoutableNode {
  outstanding = 0;
  readonly stats: NodeStats = { reads: 0, writes: 0, errors: 0, connectionErrors: 0 };

  constructor(
    readonly label: string,
    readonly role: Role,
    readonly weight: number,
    readonly client: C,
    readonly breaker: CircuitBreaker,
    private readonly recorder?: QueryRecorder,
  ) {}

  async run<T>(operation: string, kind: 'read' | 'write', invoke: (client: C) => PromiseLike<T>): Promise<T> {
    if (kind === 'read') this.stats.reads++;
    else this.stats.writes++;
    this.outstanding++;
    const startedAt = performance.now();
    try {
      const result = await invoke(this.client);
      this.breaker.recordSuccess();
      this.recorder?.observe(operation, (performance.now() - startedAt) / 1000, 'ok');
      return result;
    } catch (error) {
      this.stats.errors++;
      if (isConnectionError(error)) {
        this.stats.connectionErrors++;
        this.breaker.recordFailure(error);
      } else {
        // The server answered (constraint violation, bad query...): it is up.
        this.breaker.recordSuccess();
      }
      this.recorder?.observe(operation, (performance.now() - startedAt) / 1000, 'error');
      throw error;
    } finally {
      this.outstanding--;
    }
  }
}
