import type { BackoffSettings } from './backoff.js';

/** How an instance's delivery worker runs. */
export interface WorkerSettings {
  /** Off: the instance only takes messages in (its HTTP API); other instances deliver them. */
  enabled: boolean;
  /** How often an idle worker looks for due messages. */
  pollIntervalMs: number;
  /** Messages claimed at once; they are delivered concurrently. */
  batchSize: number;
  /**
   * How long a claim holds. A worker that dies mid-delivery leaves its messages to the others
   * after this; it must be far longer than `deliveryTimeoutMs`, or a slow delivery could be repeated.
   */
  leaseMs: number;
  deliveryTimeoutMs: number;
  backoff: BackoffSettings;
  /** The attempts a new message gets before it becomes a dead letter. */
  maxAttempts: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  enabled: true,
  pollIntervalMs: 500,
  batchSize: 20,
  leaseMs: 60_000,
  deliveryTimeoutMs: 10_000,
  backoff: { baseMs: 1_000, maxMs: 300_000 },
  maxAttempts: 8,
};

/** Injection token of the settings. */
export const WORKER_SETTINGS = Symbol('notification worker settings');
