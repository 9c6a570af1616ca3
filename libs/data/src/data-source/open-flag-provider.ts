import { existsSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { FileFlagProvider } from '../flags/file.flag-provider.js';
import type { FeatureDefinition } from '../flags/feature-definition.js';
import type { FlagProvider } from '../flags/flag-provider.js';
import { FlagMetrics } from '../flags/flag-metrics.js';
import { flagsFilePath, loadFlagsFile } from '../flags/load-flags-file.js';
import { UnleashFlagProvider } from '../flags/unleash.flag-provider.js';
import type { DataFlagsOptions } from './flags-options.js';

/** A flag provider and whether its owner (the data module) must close it. */
export interface OpenedFlags {
  readonly provider: FlagProvider;
  readonly owned: boolean;
}

/**
 * Opens the provider the options name, its status published as `neo_flags_*` in `registry`.
 * Unleash is bootstrapped from the flags file when one is readable, so a service that starts
 * while Unleash is unreachable behaves as with the file (every service on the monolith) until
 * the server answers. Never waits for Unleash.
 */
export async function openFlagProvider(
  options: Exclude<DataFlagsOptions, false>,
  context: { service: string; registry: Registry; onError?: (error: unknown) => void },
): Promise<OpenedFlags> {
  if ('instance' in options) return { provider: options.instance, owned: false };
  const metrics = new FlagMetrics({ registry: context.registry });
  const onError = context.onError ? { onError: context.onError } : {};
  if (options.provider === 'file') {
    return { provider: await FileFlagProvider.open({ ...(options.path ? { path: options.path } : {}), metrics, ...onError }), owned: true };
  }
  const provider = new UnleashFlagProvider({
    url: options.url,
    clientToken: options.clientToken,
    appName: context.service,
    instanceId: `${context.service}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    ...(options.refreshIntervalMs !== undefined ? { refreshIntervalMs: options.refreshIntervalMs } : {}),
    ...(options.backupDir ? { backupDir: options.backupDir } : {}),
    bootstrap: await bootstrapFromFile(),
    metrics,
    ...onError,
  });
  return { provider, owned: true };
}

/** The flags file's definitions when it exists and is valid; none otherwise (every flag off: the monolith). */
async function bootstrapFromFile(): Promise<FeatureDefinition[]> {
  const file = flagsFilePath();
  if (!existsSync(file)) return [];
  try {
    return await loadFlagsFile(file);
  } catch {
    return [];
  }
}
