import type { Cache } from './read-through-cache.js';

/** For a service whose topology declares no cache: every lookup loads. */
export class NoCache implements Cache {
  readonly kind = 'none' as const;

  getOrLoad<T>(_key: string, load: () => Promise<T>): Promise<T> {
    return load();
  }

  invalidate(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
