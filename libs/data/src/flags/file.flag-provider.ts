import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { currentRequestContext } from '../context/request-context.js';
import { evaluateFeature, isFeatureOnForEveryone } from './evaluate-feature.js';
import type { FeatureDefinition } from './feature-definition.js';
import type { FlagChangeListener, FlagContext, FlagProvider, FlagStatus } from './flag-provider.js';
import type { FlagMetrics } from './flag-metrics.js';
import { flagsFilePath, flagsFileUnreadable, parseFlagsText } from './load-flags-file.js';
import { ProviderState } from './provider-state.js';

export interface FileFlagProviderOptions {
  /** The flags file; default `$NEO_FLAGS_FILE`, else config/flags.yaml. */
  readonly path?: string;
  readonly metrics?: FlagMetrics;
  /** Quiet time after the last file event before reloading (editors write in several steps). Default 100 ms. */
  readonly debounceMs?: number;
  /**
   * How often the file is also checked by `stat`, for file systems where `fs.watch` misses
   * events (network mounts, some containers). Default 2000 ms; 0 turns polling off.
   */
  readonly pollIntervalMs?: number;
  /** Follow the file with `fs.watch` (default true); polling alone when false. */
  readonly watch?: boolean;
  /** Told about every refused edit (after start) and every listener failure, e.g. to log it. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Flags from a local file (the embedded default), reloaded when the file changes. A file that
 * is wrong at start is refused (`open` throws `FlagsError` listing every problem); a wrong edit
 * later keeps the last good values, and `status()` says `last-known` with the reason until the
 * file is fixed.
 */
export class FileFlagProvider implements FlagProvider {
  private features: ReadonlyMap<string, FeatureDefinition>;
  private lastGoodText: string;
  private lastRefusedText: string | undefined;
  private fileSignature: string | undefined;
  private watcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly state: ProviderState;

  private constructor(
    readonly path: string,
    text: string,
    features: readonly FeatureDefinition[],
    private readonly options: FileFlagProviderOptions,
  ) {
    this.features = new Map(features.map((feature) => [feature.name, feature]));
    this.lastGoodText = text;
    this.state = new ProviderState('file', options.metrics, options.onError);
    this.state.live();
  }

  /** Reads and checks the file, then watches it. */
  static async open(options: FileFlagProviderOptions = {}): Promise<FileFlagProvider> {
    const file = path.resolve(options.path ?? flagsFilePath());
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw flagsFileUnreadable(file, error);
    }
    const provider = new FileFlagProvider(file, text, parseFlagsText(text, file), options);
    provider.fileSignature = await signatureOf(file);
    provider.startWatching();
    return provider;
  }

  isEnabled(name: string, context: FlagContext | undefined = currentRequestContext()): boolean {
    return evaluateFeature(this.features.get(name), context);
  }

  isEnabledForEveryone(name: string): boolean {
    return isFeatureOnForEveryone(this.features.get(name));
  }

  /** The flags as currently served, in Unleash's client API shape (e.g. to bootstrap an Unleash client). */
  definitions(): FeatureDefinition[] {
    return [...this.features.values()];
  }

  onChange(listener: FlagChangeListener): () => void {
    return this.state.subscribe(listener);
  }

  status(): FlagStatus {
    return this.state.status;
  }

  /** Re-reads the file now (the watcher and the poll call this too). Resolves when done. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.reloadNow());
    return this.reloading;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.pollTimer);
    clearTimeout(this.debounceTimer);
    this.state.clearListeners();
    await this.reloading;
  }

  private startWatching(): void {
    const directory = path.dirname(this.path);
    const name = path.basename(this.path);
    if (this.options.watch ?? true) this.watchDirectory(directory, name);
    const interval = this.options.pollIntervalMs ?? 2_000;
    if (interval > 0) {
      this.pollTimer = setInterval(() => void this.poll(), interval);
      this.pollTimer.unref();
    }
  }

  private watchDirectory(directory: string, name: string): void {
    try {
      // The directory, not the file: editors and config tools replace the file by renaming a new
      // one over it, after which a watch on the old file sees nothing more.
      this.watcher = watch(directory, { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) this.scheduleReload();
      });
      this.watcher.on('error', () => {
        // The directory went away or the platform gave up: polling keeps the file followed.
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      this.watcher = undefined;
    }
  }

  private scheduleReload(): void {
    if (this.closed) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.reload(), this.options.debounceMs ?? 100);
    this.debounceTimer.unref();
  }

  private async poll(): Promise<void> {
    const signature = await signatureOf(this.path);
    if (signature !== this.fileSignature) this.scheduleReload();
  }

  private async reloadNow(): Promise<void> {
    if (this.closed) return;
    this.fileSignature = await signatureOf(this.path);
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      this.refuse(undefined, flagsFileUnreadable(this.path, error));
      return;
    }
    if (text === this.lastGoodText) {
      // Back to the good content (or a touch): serving it is live again.
      if (this.state.status.source !== 'live') this.state.live();
      this.lastRefusedText = undefined;
      return;
    }
    let features: FeatureDefinition[];
    try {
      features = parseFlagsText(text, this.path);
    } catch (error) {
      this.refuse(text, error);
      return;
    }
    this.features = new Map(features.map((feature) => [feature.name, feature]));
    this.lastGoodText = text;
    this.lastRefusedText = undefined;
    this.state.live();
    this.state.notifyChanged();
  }

  /** Keeps the last good flags and reports the bad edit once (not on every poll). */
  private refuse(text: string | undefined, error: unknown): void {
    const key = text ?? '\u0000unreadable';
    if (key === this.lastRefusedText) return;
    this.lastRefusedText = key;
    const message = error instanceof Error ? error.message : String(error);
    this.state.failed('file', `${message}\nStill serving the last good flags from ${this.path}.`);
    this.options.onError?.(error);
  }
}

/** What the poll compares: changes when the file is rewritten, replaced or removed. */
async function signatureOf(file: string): Promise<string> {
  try {
    const info = await stat(file);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
