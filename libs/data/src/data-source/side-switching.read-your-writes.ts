import { currentRequestContext, type RequestContext } from '../context/request-context.js';
import { currentSessionKey } from '../context/session-key.js';
import type { ConnectionSelector } from '../selection/connection-selector.js';
import type { SelectionMetrics, SideReason } from '../selection/selection-metrics.js';
import type { SideChooser } from '../selection/side-switching-client.js';
import type { OperationKind, Side } from '../selection/side.js';

/** Default of `readYourWritesMs`: well above the logical replication lag between the sides (milliseconds; the seed's bound is 100 ms). */
export const DEFAULT_READ_YOUR_WRITES_MS = 2_000;

/** Why a read went to the write side although the reads rollout named the other one. */
const READ_YOUR_WRITES = 'read_your_writes' as SideReason;

/** Past this many remembered sessions, expired entries are dropped on the next write. */
const PRUNE_ABOVE = 10_000;

/**
 * Read-your-writes across the two sides. While writes go to the monolith and a user's reads to
 * the service (the reads rollout), the service side holds a write only once logical replication
 * applied it: a user who reads right after writing could miss it. So a session (`currentSessionKey`:
 * session id, else tenant and user, else the request) that wrote keeps its reads on the side it wrote to for
 * `windowMs` after its last write. That side is always correct (it is the side of record), so
 * this costs nothing but some reads staying where they were.
 */
export class ReadYourWritesChooser implements SideChooser {
  private readonly lastWrite = new Map<string, { side: Side; at: number }>();

  constructor(
    private readonly selector: ConnectionSelector,
    private readonly windowMs: number = DEFAULT_READ_YOUR_WRITES_MS,
    private readonly metrics?: SelectionMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  select(service: string, kind: OperationKind, context: RequestContext | undefined = currentRequestContext()): Side {
    const key = sessionOf(service, context);
    if (kind === 'write') {
      const side = this.selector.select(service, kind, context);
      this.noteWrite(service, side, context);
      return side;
    }
    const recent = key === undefined ? undefined : this.lastWrite.get(key);
    if (recent && this.now() - recent.at <= this.windowMs) {
      const decision = this.selector.decide(service, kind, context);
      if (decision.side !== recent.side) {
        this.metrics?.recordDecision(service, kind, recent.side, READ_YOUR_WRITES);
        return recent.side;
      }
    }
    return this.selector.select(service, kind, context);
  }

  /** Records a write the session made on `side` (also one sent there without asking, e.g. a redirect retry). */
  noteWrite(service: string, side: Side, context: RequestContext | undefined = currentRequestContext()): void {
    const key = sessionOf(service, context);
    if (key === undefined || this.windowMs <= 0) return;
    const at = this.now();
    if (this.lastWrite.size > PRUNE_ABOVE) {
      for (const [entry, write] of this.lastWrite) if (at - write.at > this.windowMs) this.lastWrite.delete(entry);
    }
    this.lastWrite.set(key, { side, at });
  }
}

/** The session's key (the one read-your-writes key, see `currentSessionKey`), per service. */
function sessionOf(service: string, context: RequestContext | undefined): string | undefined {
  const session = currentSessionKey(context);
  return session === undefined ? undefined : `${service}|${session}`;
}
