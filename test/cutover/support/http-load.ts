/** One write of the load and the read that follows it, for one user on one instance. */
export type WriteAndRead = (url: string, user: number) => Promise<{ id: string; writeMs: number } | { failure: string }>;

export interface HttpLoadOptions {
  /** Concurrent writers, each writing then reading in a loop (default 3). */
  writers?: number;
  /** The user ids the writers cycle through (default 40). */
  users?: number;
}

/**
 * A steady mixed load over HTTP: each writer writes for a user on the next instance and reads
 * back. Every answer other than the expected one is a failure.
 */
export class HttpLoad {
  readonly acknowledged = new Set<string>();
  readonly failures: string[] = [];
  reads = 0;
  private readonly writes: Array<{ startedAt: number; ms: number }> = [];
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly urls: readonly string[],
    private readonly writeAndRead: WriteAndRead,
    private readonly options: HttpLoadOptions = {},
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.options.writers ?? 3 }, (_, n) => this.work(n));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  writeLatenciesBetween(from: number, to: number): number[] {
    return this.writes.filter((write) => write.startedAt >= from && write.startedAt <= to).map((write) => write.ms);
  }

  private async work(worker: number): Promise<void> {
    let i = 0;
    while (this.running) {
      const url = this.urls[i++ % this.urls.length]!;
      const user = (worker * 7919 + i) % (this.options.users ?? 40);
      try {
        const startedAt = performance.now();
        const outcome = await this.writeAndRead(url, user);
        if ('failure' in outcome) {
          this.failures.push(outcome.failure);
          continue;
        }
        this.writes.push({ startedAt, ms: outcome.writeMs });
        this.acknowledged.add(outcome.id);
        this.reads++;
      } catch (error) {
        this.failures.push(`request failed: ${(error as Error).message}`);
      }
    }
  }
}

/** The p-th percentile of `values`, rounded to a millisecond, or `-` when there are none. */
export function percentile(values: readonly number[], p: number): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(0);
}

/** Runs a cutover step under `load` and prints its time and the write pause of the writes started meanwhile. */
export async function timedStep(service: string, label: string, load: HttpLoad, step: () => Promise<unknown>): Promise<void> {
  const from = performance.now();
  await step();
  const to = performance.now();
  const waits = load.writeLatenciesBetween(from, to);
  console.log(
    `${service} ${label}: ${(to - from).toFixed(0)} ms; write pause of the ${waits.length} writes started meanwhile: p50 ${percentile(waits, 50)} ms, p95 ${percentile(waits, 95)} ms, max ${percentile(waits, 100)} ms`,
  );
}

/** `neo_data_write_redirects_total` of the instances at `urls`, summed: writes the guard sent to the other side and the data layer retried there. */
export async function writeRedirects(urls: readonly string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const match of text.matchAll(/^neo_data_write_redirects_total\{[^}]*\} (\d+)/gm)) total += Number(match[1]);
  }
  return total;
}
