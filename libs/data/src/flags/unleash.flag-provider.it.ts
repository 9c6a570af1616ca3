// Integration tests need a real Unleash server, which only the test-only library starts.
import { startUnleashServer, type RunningUnleashServer } from '@neo/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionSelector } from '../selection/connection-selector.js';
import { useShardedDatabaseFlags } from '../selection/side-flag-names.js';
import { evaluateFeature } from './evaluate-feature.js';
import { FlagMetrics } from './flag-metrics.js';
import { rolloutFlag, switchFlag } from './static.flag-provider.js';
import { UnleashFlagProvider, type UnleashFlagProviderOptions } from './unleash.flag-provider.js';

/*
 * A real unleash-server (npm, in a child process) on a scratch PostgreSQL, driven through its
 * admin API. Times from a flag change to the provider acting on it are printed, not asserted.
 */

const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);

async function eventually(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Math.round(performance.now() - started);
}

describe('UnleashFlagProvider with a real Unleash server', () => {
  let server: RunningUnleashServer;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    const started = performance.now();
    server = await startUnleashServer();
    console.log(`unleash-server started in ${Math.round(performance.now() - started)} ms`);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  afterEach(async () => {
    // a client closed a moment ago may still finish writing its backup file: rm retries
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function provider(options: Partial<UnleashFlagProviderOptions> & { backupDir?: string } = {}): Promise<UnleashFlagProvider> {
    const backupDir = options.backupDir ?? (await mkdtemp(path.join(tmpdir(), 'neo-unleash-it-')));
    if (!options.backupDir) cleanups.push(() => rm(backupDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
    const created = new UnleashFlagProvider({
      url: server.url,
      clientToken: server.clientToken,
      appName: 'neo-it',
      refreshIntervalMs: 200,
      ...options,
      backupDir,
    });
    cleanups.push(() => created.close());
    return created;
  }

  it('delivers switch and rollout changes to the provider and the selector', async () => {
    const flags = useShardedDatabaseFlags('storage');
    await server.createFlag(flags.writes);
    await server.createFlag(flags.reads);
    const metrics = new FlagMetrics({ service: 'storage' });
    const flagsProvider = await provider({ metrics });
    expect(await flagsProvider.waitUntilLive(60_000)).toBe(true);
    const selector = new ConnectionSelector({ flags: flagsProvider });
    cleanups.push(async () => selector.close());
    expect(selector.select('storage', 'write', {})).toBe('monolith');
    expect(await metrics.registry.metrics()).toMatch(/neo_flags_source\{provider="unleash",source="live",service="storage"\} 1\b/);

    await server.enable(flags.writes);
    console.log(
      `writes switch on → selector acting on it: ${await eventually(() => selector.select('storage', 'write', {}) === 'service', 'writes go to the service')} ms`,
    );
    await server.disable(flags.writes);
    console.log(
      `writes switch off → selector acting on it: ${await eventually(() => selector.select('storage', 'write', {}) === 'monolith', 'writes go back')} ms`,
    );

    await server.setRollout(flags.reads, 30);
    const readSides = () => users.map((userId) => selector.select('storage', 'read', { userId }));
    console.log(
      `reads rollout 30 % → selector acting on it: ${await eventually(() => readSides().includes('service'), 'some reads go to the service')} ms`,
    );
    // The server's strategy puts exactly the users our own evaluation puts in (same hashing, same groupId).
    const at30 = readSides();
    expect(at30).toEqual(users.map((userId) => (evaluateFeature(rolloutFlag(flags.reads, 30), { userId }) ? 'service' : 'monolith')));
    expect(selector.select('storage', 'read', {})).toBe('monolith');

    await server.setRollout(flags.reads, 100);
    console.log(
      `reads rollout 100 % → selector acting on it: ${await eventually(() => selector.select('storage', 'read', {}) === 'service', 'calls without a user read from the service')} ms`,
    );
    expect(new Set(readSides())).toEqual(new Set(['service']));
  }, 180_000);

  it('keeps serving the last known values while the server is down, and follows it again once it is back', async () => {
    const flags = useShardedDatabaseFlags('oracle');
    await server.createFlag(flags.writes);
    await server.enable(flags.writes);
    await server.createFlag(flags.reads);
    await server.setRollout(flags.reads, 40);
    const metrics = new FlagMetrics({ service: 'oracle' });
    const flagsProvider = await provider({ metrics });
    expect(await flagsProvider.waitUntilLive(60_000)).toBe(true);
    await eventually(() => flagsProvider.isEnabledForEveryone(flags.writes), 'the writes switch is seen');
    const before = users.map((userId) => flagsProvider.isEnabled(flags.reads, { userId }));

    await server.kill();
    console.log(
      `server killed → provider reports last-known: ${await eventually(() => flagsProvider.status().source === 'last-known', 'the outage is noticed')} ms`,
    );
    expect(flagsProvider.status().lastError).toBeDefined();
    expect(flagsProvider.isEnabledForEveryone(flags.writes)).toBe(true);
    expect(users.map((userId) => flagsProvider.isEnabled(flags.reads, { userId }))).toEqual(before);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/neo_flags_source\{provider="unleash",source="last-known",service="oracle"\} 1\b/);
    expect(text).toMatch(/neo_flags_errors_total\{provider="unleash",kind="fetch",service="oracle"\} [1-9]/);

    const restarting = performance.now();
    await server.restart();
    console.log(`server restarted in ${Math.round(performance.now() - restarting)} ms`);
    console.log(
      `restart → provider live again: ${await eventually(() => flagsProvider.status().source === 'live', 'the provider reconnects', 120_000)} ms`,
    );
    await server.disable(flags.writes);
    console.log(
      `writes switch off after the restart → provider acting on it: ${await eventually(() => !flagsProvider.isEnabledForEveryone(flags.writes), 'the change flows')} ms`,
    );
  }, 300_000);

  it('starts without the server: bootstrap values (or the backup of an earlier run), then live values once it is up', async () => {
    const flags = useShardedDatabaseFlags('voting');
    await server.createFlag(flags.writes);
    await server.enable(flags.writes);
    // An earlier run that saw the server: its backup holds the switch on.
    const earlierBackup = await mkdtemp(path.join(tmpdir(), 'neo-unleash-it-'));
    cleanups.push(() => rm(earlierBackup, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
    const earlier = await provider({ backupDir: earlierBackup });
    await eventually(() => earlier.isEnabledForEveryone(flags.writes), 'the earlier run sees the switch');
    await earlier.close();

    await server.kill();
    const bootstrap = [switchFlag(flags.writes, false), rolloutFlag(flags.reads, 0)];
    const started = performance.now();
    const fresh = await provider({ bootstrap });
    const restarted = await provider({ bootstrap, backupDir: earlierBackup });
    console.log(`providers constructed with the server down in ${Math.round(performance.now() - started)} ms`);
    await eventually(
      () => fresh.status().ready && restarted.status().ready && fresh.status().lastError !== undefined,
      'both hold values and saw the failure',
    );
    expect(fresh.status().source).toBe('bootstrap');
    expect(fresh.isEnabledForEveryone(flags.writes)).toBe(false);
    expect(restarted.status().source).toBe('last-known');
    expect(restarted.isEnabledForEveryone(flags.writes)).toBe(true);

    await server.restart();
    console.log(
      `server up → fresh provider live: ${await eventually(() => fresh.status().source === 'live', 'the fresh provider reaches the server', 120_000)} ms`,
    );
    await eventually(() => fresh.isEnabledForEveryone(flags.writes), 'the server values replace the bootstrap');
    await eventually(() => restarted.status().source === 'live', 'the restarted provider reaches the server', 120_000);
  }, 300_000);
});
