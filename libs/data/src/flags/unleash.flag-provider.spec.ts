import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlagMetrics } from './flag-metrics.js';
import { FlagsError } from './flags.error.js';
import { rolloutFlag, switchFlag } from './static.flag-provider.js';
import { UnleashFlagProvider } from './unleash.flag-provider.js';

async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('UnleashFlagProvider without a reachable server', () => {
  let backupDir: string;
  let url: string;
  const providers: UnleashFlagProvider[] = [];

  beforeEach(async () => {
    backupDir = await mkdtemp(path.join(tmpdir(), 'neo-unleash-spec-'));
    // A free port nobody listens on: every fetch is refused.
    url = `http://127.0.0.1:${await getPort()}/api`;
  });
  afterEach(async () => {
    await Promise.all(providers.splice(0).map((provider) => provider.close()));
    await rm(backupDir, { recursive: true, force: true });
  });

  function start(options: Partial<ConstructorParameters<typeof UnleashFlagProvider>[0]> = {}): UnleashFlagProvider {
    const provider = new UnleashFlagProvider({
      url,
      clientToken: 'default:development.spec-secret',
      appName: 'spec',
      backupDir,
      refreshIntervalMs: 100,
      ...options,
    });
    providers.push(provider);
    return provider;
  }

  it('starts at once and serves the bootstrap values, saying so in status and metrics', async () => {
    const metrics = new FlagMetrics({ service: 'storage' });
    const errors: unknown[] = [];
    const provider = start({
      bootstrap: [switchFlag('writes', true), rolloutFlag('reads', 100)],
      metrics,
      onError: (error) => errors.push(error),
    });
    await eventually(() => provider.status().ready && provider.status().lastError !== undefined, 'bootstrapped and the fetch failed');
    expect(provider.status()).toMatchObject({ provider: 'unleash', source: 'bootstrap', ready: true });
    expect(provider.status().lastError).toMatch(/ECONNREFUSED/);
    expect(provider.status().lastError).not.toContain('spec-secret');
    expect(provider.isEnabled('writes')).toBe(true);
    expect(provider.isEnabledForEveryone('writes')).toBe(true);
    expect(provider.isEnabled('reads', { userId: 'u-1' })).toBe(true);
    expect(provider.isEnabled('unknown')).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/neo_flags_source\{provider="unleash",source="bootstrap",service="storage"\} 1\b/);
    expect(text).toMatch(/neo_flags_ready\{provider="unleash",service="storage"\} 1\b/);
    expect(text).toMatch(/neo_flags_errors_total\{provider="unleash",kind="fetch",service="storage"\} [1-9]/);
    expect(await provider.waitUntilLive(200)).toBe(false);
  });

  it('without bootstrap or backup, holds no values and every flag is off', async () => {
    const provider = start();
    await eventually(() => provider.status().lastError !== undefined, 'the fetch failed');
    expect(provider.status()).toMatchObject({ source: 'bootstrap', ready: false });
    expect(provider.isEnabled('anything', { userId: 'u' })).toBe(false);
    expect(provider.isEnabledForEveryone('anything')).toBe(false);
  });

  it('prefers the backup of a previous run over the bootstrap, as last known values', async () => {
    const backup = {
      version: 2,
      features: [
        {
          name: 'writes',
          enabled: true,
          strategies: [
            { name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: 'writes' }, constraints: [] },
          ],
        },
      ],
    };
    await writeFile(path.join(backupDir, 'unleash-backup-spec.json'), JSON.stringify(backup));
    const provider = start({ bootstrap: [switchFlag('writes', false)] });
    await eventually(() => provider.status().ready, 'the backup is loaded');
    expect(provider.status().source).toBe('last-known');
    expect(provider.isEnabledForEveryone('writes')).toBe(true);
  });

  it('ignores an unreadable backup and counts it', async () => {
    await writeFile(path.join(backupDir, 'unleash-backup-spec.json'), '{ not json');
    const metrics = new FlagMetrics({ service: 'storage' });
    const provider = start({ bootstrap: [switchFlag('writes', false)], metrics });
    await eventually(() => provider.status().ready, 'bootstrapped');
    expect(provider.status().source).toBe('bootstrap');
    expect(await metrics.registry.metrics()).toMatch(/neo_flags_errors_total\{provider="unleash",kind="backup",service="storage"\} 1\b/);
  });

  it('refuses options that cannot work, without the token in the message', () => {
    expect(() => new UnleashFlagProvider({ url: 'localhost:4242', clientToken: 'secret-token', appName: 'spec' })).toThrow(FlagsError);
    expect(() => new UnleashFlagProvider({ url: 'http://127.0.0.1:1/api', clientToken: '', appName: 'spec' })).toThrow(
      /client token is empty/,
    );
  });
});
