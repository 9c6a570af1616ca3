import type { Registry } from 'prom-client';
import type { NodeMetricLabels } from '../metrics/data-metrics.js';
import { HotPathCounter, HotPathHistogram, type CounterSeries, type HistogramSeries } from '../metrics/hot-path-metrics.js';

/** Why a `create` of a coalesced model ran: in a multi-row INSERT, or alone. */
export type CreatePath = 'coalesced' | 'direct';

/** The statement a batch went out as: the raw `unnest` INSERT, Prisma's `createManyAndReturn`, or (a batch of 1) the caller's own `create`. */
export type CoalescedStatement = 'unnest' | 'createManyAndReturn' | 'create';

/** What the coalescer reports; one per primary node. */
export interface CoalescingRecorder {
  /** A batch of `size` calls sent as one `statement` (a size of 1 runs as a plain create). */
  batch(model: string, size: number, statement: CoalescedStatement): void;
  /** One caller's `create`, by the path it took. */
  call(model: string, path: CreatePath): void;
}

const BATCH_SIZE = 'neo_data_coalesced_batch_size';
const CALLS = 'neo_data_coalescible_creates_total';
const sizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000];

/**
 * `neo_data_coalesced_batch_size{database,node,model,statement}` (calls per batch sent, by the
 * statement it went out as) and
 * `neo_data_coalescible_creates_total{database,node,model,path}` (path `coalesced` or `direct`:
 * a call in a transaction never reaches the coalescer and is not counted). Hot-path series, kept
 * per model, as the query metrics are.
 */
export function coalescingRecorder(registry: Registry, labels: NodeMetricLabels): CoalescingRecorder {
  const sizes =
    (registry.getSingleMetric(BATCH_SIZE) as HotPathHistogram | undefined) ??
    new HotPathHistogram(BATCH_SIZE, 'Single-row creates sent together as one multi-row INSERT, per batch.', registry, sizeBuckets);
  const calls =
    (registry.getSingleMetric(CALLS) as HotPathCounter | undefined) ??
    new HotPathCounter(CALLS, 'Single-row creates of models that coalesce writes, by whether they joined a batch or ran alone.', registry);
  const sizeSeries = new Map<string, HistogramSeries>();
  const callSeries = new Map<string, CounterSeries>();
  return {
    batch(model, size, statement) {
      const key = `${model}\u0000${statement}`;
      let series = sizeSeries.get(key);
      if (!series) {
        series = sizes.labels({ database: labels.database, node: labels.node, model, statement });
        sizeSeries.set(key, series);
      }
      series.observe(size);
    },
    call(model, path) {
      const key = `${model}\u0000${path}`;
      let series = callSeries.get(key);
      if (!series) {
        series = calls.labels({ database: labels.database, node: labels.node, model, path });
        callSeries.set(key, series);
      }
      series.inc();
    },
  };
}
