import type { FlagChangeListener, FlagSource, FlagStatus } from './flag-provider.js';
import type { FlagErrorKind, FlagMetrics } from './flag-metrics.js';

/**
 * The bookkeeping both providers share: their status, its metrics, and the change listeners.
 * A listener that throws is isolated (its error is reported, the others still run): a
 * subscriber's bug must not stop flag updates.
 */
export class ProviderState {
  private current: FlagStatus;
  private readonly listeners = new Set<FlagChangeListener>();

  constructor(
    provider: FlagStatus['provider'],
    private readonly metrics: FlagMetrics | undefined,
    private readonly onListenerError: (error: unknown) => void = () => undefined,
  ) {
    this.current = { provider, source: 'bootstrap', ready: false };
    metrics?.recordStatus(this.current);
  }

  get status(): FlagStatus {
    return this.current;
  }

  /** The source delivered or confirmed values. */
  live(at = new Date()): void {
    this.update({ source: 'live', ready: true, lastError: undefined, lastUpdatedAt: at });
  }

  /** Values that did not come from the live source (bootstrap, or a backup of earlier live values). */
  loaded(source: Exclude<FlagSource, 'live'>, at?: Date): void {
    this.update({ source, ready: true, ...(at ? { lastUpdatedAt: at } : {}) });
  }

  /** The source failed: keep serving what we have, and say so. */
  failed(kind: FlagErrorKind, message: string): void {
    this.metrics?.recordError(this.current.provider, kind);
    this.update({ source: this.current.source === 'live' ? 'last-known' : this.current.source, lastError: message });
  }

  subscribe(listener: FlagChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notifyChanged(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clearListeners(): void {
    this.listeners.clear();
  }

  private update(change: Partial<Omit<FlagStatus, 'provider'>>): void {
    const next: FlagStatus = { ...this.current, ...change };
    if (next.lastError === undefined) delete (next as { lastError?: string }).lastError;
    this.current = next;
    this.metrics?.recordStatus(next);
  }
}
