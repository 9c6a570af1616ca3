import type { Metric, Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/**
 * Counters and histograms for code that runs on every query. prom-client hashes the label set on
 * every `inc`/`observe` (a few µs each, measured as most of the routing layer's cost); here each
 * series is an object the caller keeps, so recording is a couple of additions, and the text
 * format is built only when Prometheus scrapes. Registered in a prom-client registry through its
 * metric interface (`name`, `help`, `type`, `get()`), so `registry.metrics()` serves them with
 * the rest, default labels included.
 */
abstract class HotPathMetric<S> {
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, { labels: Labels; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  protected seriesFor(labels: Labels, create: () => S): S {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, state: create() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  /** For tests and diagnostics. */
  reset(): void {
    this.series.clear();
  }
}

export interface CounterSeries {
  inc(by?: number): void;
}

export class HotPathCounter extends HotPathMetric<{ value: number }> {
  readonly type = 'counter';

  /** The series for these labels; keep it and call `inc` on the hot path. */
  labels(labels: Labels): CounterSeries {
    const state = this.seriesFor(labels, () => ({ value: 0 }));
    return { inc: (by = 1) => void (state.value += by) };
  }

  async get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.series.values()].map(({ labels, state }) => ({ labels, value: state.value })),
    };
  }
}

export interface HistogramSeries {
  observe(value: number): void;
}

interface HistogramState {
  readonly buckets: number[];
  sum: number;
  count: number;
}

export class HotPathHistogram extends HotPathMetric<HistogramState> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    registry: Registry,
    private readonly upperBounds: readonly number[],
  ) {
    super(name, help, registry);
  }

  labels(labels: Labels): HistogramSeries {
    const state = this.seriesFor(labels, () => ({ buckets: this.upperBounds.map(() => 0), sum: 0, count: 0 }));
    const bounds = this.upperBounds;
    return {
      observe: (value) => {
        state.sum += value;
        state.count++;
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]!) {
            state.buckets[i]!++;
            return;
          }
        }
      },
    };
  }

  async get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const { labels, state } of this.series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, i) => {
        cumulative += state.buckets[i]!;
        values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: state.count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: state.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: state.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
