import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Unleash, UnleashEvents, type Context as UnleashContext } from 'unleash-client';
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import { currentRequestContext } from '../context/request-context.js';
import type { FeatureDefinition } from './feature-definition.js';
import type { FlagChangeListener, FlagContext, FlagProvider, FlagStatus } from './flag-provider.js';
import type { FlagMetrics } from './flag-metrics.js';
import { FlagsError } from './flags.error.js';
import { ProviderState } from './provider-state.js';
import { UnleashBackup } from './unleash-backup.js';

export interface UnleashFlagProviderOptions {
  /** The Unleash API, e.g. `http://127.0.0.1:4242/api`. */
  readonly url: string;
  /** A client (backend) token, e.g. `default:development.<secret>`. Never logged. */
  readonly clientToken: string;
  /** Who asks (shown in Unleash), usually the service name. Also names the backup file. */
  readonly appName: string;
  readonly instanceId?: string;
  /**
   * How often flags are fetched. Default 1000 ms: the server itself refreshes its revision
   * about once a second, so asking more often does not make changes arrive sooner.
   */
  readonly refreshIntervalMs?: number;
  /** Per-fetch timeout. Default 5000 ms. */
  readonly timeoutMs?: number;
  /**
   * Values served until the server first answers, when no backup exists: typically the flags
   * file's definitions, so an unreachable Unleash behaves like the file default.
   */
  readonly bootstrap?: readonly FeatureDefinition[];
  /** Where the last values received are kept for the next start. Default `<tmp>/neo-flags`. */
  readonly backupDir?: string;
  readonly metrics?: FlagMetrics;
  /** Send usage counts to Unleash (its "metrics"). Default false: they cost a request a minute and nothing here reads them. */
  readonly sendUsage?: boolean;
  /** Told about fetch failures and listener errors, e.g. to log them (status and metrics record them anyway). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Flags from an Unleash server through `unleash-client`. It never blocks start-up and never
 * fails because of the server: until the first answer it serves the backup of a previous run
 * or the bootstrap values, and when the server goes away it keeps the last values it had.
 * `status()` and the `neo_flags_*` metrics say which of those it is serving.
 */
export class UnleashFlagProvider implements FlagProvider {
  private readonly client: Unleash;
  private readonly state: ProviderState;
  private readonly backup: UnleashBackup;
  /** The objects handed to the client as bootstrap, to tell its bootstrap load from a fetch. */
  private readonly bootstrapObjects = new WeakSet<object>();
  private lastChangeWasLive = false;
  private sawChange = false;

  constructor(private readonly options: UnleashFlagProviderOptions) {
    validate(options);
    this.state = new ProviderState('unleash', options.metrics, options.onError);
    this.backup = new UnleashBackup(
      options.backupDir ?? path.join(tmpdir(), 'neo-flags'),
      () => this.lastChangeWasLive,
      (error) => this.state.failed('backup', errorMessage(error)),
    );
    const bootstrap = (options.bootstrap ?? []).map((feature) => this.rememberBootstrap(feature));
    this.client = new Unleash({
      url: options.url,
      appName: options.appName,
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
      customHeaders: { Authorization: options.clientToken },
      refreshInterval: options.refreshIntervalMs ?? 1_000,
      timeout: options.timeoutMs ?? 5_000,
      disableMetrics: !(options.sendUsage ?? false),
      storageProvider: this.backup,
      // The backup of a previous run (last known values) wins over the bootstrap; the client
      // loads both at once and lets the bootstrap win, so the bootstrap steps aside itself.
      bootstrap: {
        bootstrapProvider: {
          readBootstrap: async () =>
            (await this.backup.get(options.appName)) || bootstrap.length === 0 ? undefined : { version: 2, features: bootstrap },
        },
      },
      bootstrapOverride: false,
      skipInstanceCountWarning: true,
    });
    this.client.on(UnleashEvents.Changed, (features: FeatureInterface[]) => this.onValues(features));
    this.client.on(UnleashEvents.Ready, () => this.onReady());
    this.client.on(UnleashEvents.Unchanged, () => this.state.live());
    this.client.on(UnleashEvents.Error, (error: unknown) => this.onFetchFailure(error));
    this.client.on(UnleashEvents.Warn, (warning: unknown) => {
      // The client reports 404/429/5xx answers and dropped sockets as warnings; for us they are
      // failures of the source like any other. Other warnings (e.g. "not initialized yet") are not.
      const text = errorMessage(warning);
      if (/responded \d{3}|retrying in/i.test(text)) this.onFetchFailure(warning);
    });
  }

  isEnabled(name: string, context: FlagContext | undefined = currentRequestContext()): boolean {
    if (!this.state.status.ready) return false;
    return this.client.isEnabled(name, toUnleashContext(context));
  }

  isEnabledForEveryone(name: string): boolean {
    if (!this.state.status.ready) return false;
    const feature = this.client.getFeatureToggleDefinition(name);
    if (!feature?.enabled || (feature.dependencies?.length ?? 0) > 0) return false;
    const strategies = feature.strategies ?? [];
    if (strategies.length === 0) return true;
    return strategies.some((strategy) => {
      if ((strategy.constraints?.length ?? 0) > 0 || (strategy.segments?.length ?? 0) > 0) return false;
      return strategy.name === 'default' || (strategy.name === 'flexibleRollout' && Number(strategy.parameters?.['rollout']) >= 100);
    });
  }

  onChange(listener: FlagChangeListener): () => void {
    return this.state.subscribe(listener);
  }

  status(): FlagStatus {
    return this.state.status;
  }

  /**
   * Resolves `true` once the server has answered (or at once if it already has), `false` after
   * `timeoutMs` without an answer. For start-up code that may wait a little for fresh values;
   * nothing requires it.
   */
  async waitUntilLive(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.state.status.source !== 'live') {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, deadline - Date.now())));
    }
    return true;
  }

  async close(): Promise<void> {
    this.state.clearListeners();
    this.client.destroy();
    // unleash-client 6 drops its repository's listeners on destroy, yet a fetch still in flight
    // then reports its failure to that repository, and an 'error' event nobody listens to
    // becomes an uncaught exception. The failure of a fetch nobody waits for is of no interest.
    const repository: unknown = Reflect.get(this.client, 'repository');
    if (repository instanceof EventEmitter) repository.on('error', () => undefined);
  }

  private rememberBootstrap(feature: FeatureDefinition): FeatureInterface {
    const copy: FeatureInterface = {
      name: feature.name,
      enabled: feature.enabled,
      strategies: feature.strategies.map((strategy) => ({ name: strategy.name, parameters: { ...strategy.parameters }, constraints: [] })),
    };
    this.bootstrapObjects.add(copy);
    return copy;
  }

  /**
   * The client announces new values the same way whether they came from the server or from the
   * bootstrap; the bootstrap ones are exactly the objects we handed it.
   */
  private onValues(features: FeatureInterface[]): void {
    const fromBootstrap = features.length > 0 && features.every((feature) => this.bootstrapObjects.has(feature));
    this.sawChange = true;
    this.lastChangeWasLive = !fromBootstrap;
    if (fromBootstrap) this.state.loaded('bootstrap');
    else this.state.live();
    this.state.notifyChanged();
  }

  /** Ready without any values announced: the client loaded the backup of a previous run. */
  private onReady(): void {
    if (this.sawChange || this.state.status.ready) return;
    if (this.backup.loaded) {
      this.state.loaded('last-known');
      this.state.notifyChanged();
    }
  }

  private onFetchFailure(error: unknown): void {
    this.state.failed('fetch', errorMessage(error));
    this.options.onError?.(error);
  }
}

function toUnleashContext(context: FlagContext | undefined): UnleashContext {
  if (!context) return {};
  return {
    ...(context.userId !== undefined ? { userId: context.userId } : {}),
    ...(context.sessionId !== undefined ? { sessionId: context.sessionId } : {}),
    ...(context.tenant !== undefined ? { properties: { tenant: context.tenant } } : {}),
  };
}

function validate(options: UnleashFlagProviderOptions): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(options.url).protocol;
  } catch (error) {
    throw new FlagsError(
      'FLAGS_PROVIDER_MISCONFIGURED',
      `The Unleash URL "${options.url}" is not a URL: give the API address, e.g. http://127.0.0.1:4242/api.`,
      { cause: error },
    );
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new FlagsError(
      'FLAGS_PROVIDER_MISCONFIGURED',
      `The Unleash URL "${options.url}" is not an http(s) URL: give the API address, e.g. http://127.0.0.1:4242/api.`,
    );
  }
  if (!options.clientToken)
    throw new FlagsError(
      'FLAGS_PROVIDER_MISCONFIGURED',
      'The Unleash client token is empty: give a client (backend) API token, e.g. from UNLEASH_CLIENT_TOKEN.',
    );
  if (!options.appName) throw new FlagsError('FLAGS_PROVIDER_MISCONFIGURED', 'The Unleash appName is empty: give the service name.');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
