/** What read-your-writes needs to know about one session's writes. */
export interface SessionWriteState {
  /** A write (or transaction) of this session is still running: its effects can appear any moment. */
  readonly pending: boolean;
  /** Monotonic time (ms) the session's last write finished, if it has finished one. */
  readonly lastWriteFinishedAt?: number;
}

export interface SessionWritesOptions {
  /**
   * How long a finished write is remembered. Long enough when it exceeds the lag monitor's
   * interval plus the lag bound plus a poll: after that every replica still in rotation has
   * replayed the write anyway (it would be out of rotation otherwise). Default 30 s.
   */
  readonly ttlMs?: number;
  /** Most sessions remembered; the least recently written ones are forgotten first. Default 100 000. */
  readonly maxSessions?: number;
  readonly now?: () => number;
}

interface Entry {
  pending: number;
  finishedAt?: number;
  touchedAt: number;
}

/**
 * Remembers, per session, when it last wrote: the time only, so recording a write costs no
 * round trip (the lag monitor supplies the WAL positions). Memory is bounded by a TTL and a
 * maximum count; a Map keeps insertion order, so the oldest entries are at its front.
 */
export class SessionWrites {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: SessionWritesOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxSessions = options.maxSessions ?? 100_000;
    this.now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.entries.size;
  }

  writeStarted(session: string): void {
    const entry = this.touch(session);
    entry.pending++;
  }

  writeFinished(session: string): void {
    const entry = this.touch(session);
    entry.pending = Math.max(0, entry.pending - 1);
    entry.finishedAt = entry.touchedAt;
  }

  /** A write that certainly never reached the server (it could not connect): nothing to wait for. */
  writeAbandoned(session: string): void {
    const entry = this.touch(session);
    entry.pending = Math.max(0, entry.pending - 1);
  }

  state(session: string): SessionWriteState | undefined {
    const entry = this.entries.get(session);
    if (!entry) return undefined;
    if (entry.pending === 0 && this.now() - entry.touchedAt > this.ttlMs) {
      this.entries.delete(session);
      return undefined;
    }
    return { pending: entry.pending > 0, lastWriteFinishedAt: entry.finishedAt };
  }

  /** Moves the session to the back (most recent) and trims expired or excess entries from the front. */
  private touch(session: string): Entry {
    const now = this.now();
    const entry = this.entries.get(session) ?? { pending: 0, touchedAt: now };
    entry.touchedAt = now;
    this.entries.delete(session);
    this.entries.set(session, entry);
    for (const [key, oldest] of this.entries) {
      const expired = oldest.pending === 0 && now - oldest.touchedAt > this.ttlMs;
      if (!expired && this.entries.size <= this.maxSessions) break;
      this.entries.delete(key);
    }
    return entry;
  }
}
