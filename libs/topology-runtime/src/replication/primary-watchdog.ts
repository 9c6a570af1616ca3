import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pgClientConfig } from '@neo/topology';
import type { FailoverNode } from './promote-replica.js';

export interface PrimaryWatchdogOptions {
  readonly cluster: string;
  /** The node that is the cluster's primary now, asked before every check (a failover changes it). */
  readonly currentPrimary: () => Promise<FailoverNode>;
  /** How long the primary may answer no check before `onUnreachable` is called. */
  readonly unreachableForMs: number;
  /** How often the primary is checked (a check that is slow to answer delays the next one). */
  readonly checkIntervalMs: number;
  /**
   * The primary has answered no check for `unreachableForMs`: called once per outage (never
   * again for the same node until it has answered a check again), and never after `stop()`.
   */
  readonly onUnreachable: (primary: FailoverNode, unreachableForMs: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

/**
 * Watches one cluster's primary: every `checkIntervalMs` a connection and `SELECT 1`. Once the
 * primary has failed every check for `unreachableForMs`, it calls `onUnreachable` (which promotes a
 * replica), one outage at a time.
 *
 * A check may take as long as is left of the declared time: a primary that is slow to answer (a
 * busy machine, a TLS handshake behind a long queue) is alive, and only one that has answered
 * nothing for the whole `unreachableForMs` is taken for dead. A refused connection fails at once.
 *
 * Once per outage, whatever the action's outcome: an action that failed halfway (a replica
 * promoted, its record not written) must not be run again, or a second replica would be promoted
 * beside the first. After a failed action the operator decides (`neo-db failover`, `neo-db status`).
 */
export class PrimaryWatchdog {
  private stopped = false;
  private readonly wake = new AbortController();
  private readonly running: Promise<void>;
  /** The primary an action was taken for, until it answers again. */
  private actedFor: string | undefined;

  private constructor(private readonly options: PrimaryWatchdogOptions) {
    this.running = this.watch();
  }

  static start(options: PrimaryWatchdogOptions): PrimaryWatchdog {
    return new PrimaryWatchdog(options);
  }

  /** No check or action starts from now on; resolves once the running one (a failover in progress too) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.running;
  }

  private async watch(): Promise<void> {
    const { checkIntervalMs, unreachableForMs } = this.options;
    const log = this.options.log ?? (() => undefined);
    let watched: string | undefined;
    let failingSince: number | undefined;
    while (!this.stopped) {
      const tick = performance.now();
      try {
        const primary = await this.options.currentPrimary();
        if (primary.name !== watched) {
          // A new primary (a failover happened, here or by `neo-db failover`): its own record starts now.
          watched = primary.name;
          failingSince = undefined;
        }
        // Bounded by what is left of the declared time, never less than one interval.
        const left = failingSince === undefined ? unreachableForMs : unreachableForMs - (tick - failingSince);
        const answered = await answers(primary, Math.max(checkIntervalMs, left));
        if (this.stopped) break;
        if (answered) {
          failingSince = undefined;
          if (this.actedFor === primary.name) this.actedFor = undefined;
        } else {
          failingSince ??= tick;
          const down = performance.now() - failingSince;
          if (down >= unreachableForMs && this.actedFor !== primary.name) {
            this.actedFor = primary.name;
            log(`${this.options.cluster}: primary ${primary.name} has not answered for ${Math.round(down)} ms`);
            await this.options.onUnreachable(primary, down).catch((error: Error) => log(`${this.options.cluster}: ${error.message}`));
          }
        }
      } catch (error) {
        log(`${this.options.cluster}: the primary watchdog could not check: ${(error as Error).message}`);
      }
      const rest = checkIntervalMs - (performance.now() - tick);
      if (rest > 0 && !this.stopped) await sleep(rest, undefined, { signal: this.wake.signal }).catch(() => undefined);
    }
  }
}

/** One short check: a new connection and `SELECT 1`, both within `timeoutMs`. */
async function answers(node: FailoverNode, timeoutMs: number): Promise<boolean> {
  const client = new pg.Client({
    ...pgClientConfig({ ...node.target, database: node.target.adminDatabase ?? 'postgres' }),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // An error after the check (the server going away) must not end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
