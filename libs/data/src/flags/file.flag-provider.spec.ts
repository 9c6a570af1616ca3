import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../context/request-context.js';
import { FileFlagProvider } from './file.flag-provider.js';
import { FlagMetrics } from './flag-metrics.js';
import type { FlagProvider } from './flag-provider.js';
import { FlagsError } from './flags.error.js';

/** Polls `condition` every 20 ms; fails with `what` after 10 s (no timing is asserted). */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writes the file in one step (temp file + rename), so no reader ever sees it half written. */
async function replaceFile(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

function changes(provider: FlagProvider): { count: number } {
  const seen = { count: 0 };
  provider.onChange(() => seen.count++);
  return seen;
}

describe('FileFlagProvider', () => {
  let dir: string;
  let file: string;
  const open: FileFlagProvider[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'neo-flags-spec-'));
    file = path.join(dir, 'flags.yaml');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((provider) => provider.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function openProvider(
    text: string,
    options: { watch?: boolean; pollIntervalMs?: number; metrics?: FlagMetrics } = {},
  ): Promise<FileFlagProvider> {
    await writeFile(file, text);
    const provider = await FileFlagProvider.open({ path: file, debounceMs: 20, pollIntervalMs: 100, ...options });
    open.push(provider);
    return provider;
  }

  it('serves the file: switches, rollouts by the request context user, unknown flags off', async () => {
    const provider = await openProvider('version: 1\nflags:\n  on: true\n  off: false\n  half: { rollout: 50 }\n');
    expect(provider.isEnabled('on')).toBe(true);
    expect(provider.isEnabled('off')).toBe(false);
    expect(provider.isEnabled('missing')).toBe(false);
    expect(provider.isEnabledForEveryone('on')).toBe(true);
    expect(provider.isEnabledForEveryone('half')).toBe(false);
    const sides = new Set<boolean>();
    for (let i = 0; i < 100; i++) {
      const userId = `user-${i}`;
      const fromContext = runWithRequestContext({ userId, requestId: `r-${i}` }, () => provider.isEnabled('half'));
      expect(fromContext).toBe(provider.isEnabled('half', { userId }));
      sides.add(fromContext);
    }
    expect(sides).toEqual(new Set([true, false]));
    expect(provider.status()).toMatchObject({ provider: 'file', source: 'live', ready: true });
    expect(provider.status().lastError).toBeUndefined();
  });

  it('refuses a bad file at start with every problem', async () => {
    await writeFile(file, 'version: 1\nflags:\n  a: { rollout: 101 }\n  b: maybe\n');
    const opening = FileFlagProvider.open({ path: file });
    await expect(opening).rejects.toBeInstanceOf(FlagsError);
    await expect(opening).rejects.toMatchObject({
      code: 'FLAGS_FILE_INVALID',
      problems: [expect.stringMatching(/^flags\.a\.rollout/), expect.stringMatching(/^flags\.b/)],
    });
  });

  it('picks up an edit, including one that replaces the file by renaming over it', async () => {
    const provider = await openProvider('version: 1\nflags:\n  writes: false\n');
    const seen = changes(provider);
    await writeFile(file, 'version: 1\nflags:\n  writes: true\n');
    await eventually(() => provider.isEnabled('writes'), 'the edit is served');
    const replacement = path.join(dir, 'flags.yaml.new');
    await writeFile(replacement, 'version: 1\nflags:\n  writes: false\n');
    await rename(replacement, file);
    await eventually(() => !provider.isEnabled('writes'), 'the replaced file is served');
    expect(seen.count).toBeGreaterThanOrEqual(2);
  });

  it('follows the file by polling alone when watching is off', async () => {
    const provider = await openProvider('version: 1\nflags:\n  reads: { rollout: 0 }\n', { watch: false, pollIntervalMs: 50 });
    await writeFile(file, 'version: 1\nflags:\n  reads: { rollout: 100 }\n');
    await eventually(() => provider.isEnabledForEveryone('reads'), 'the polled edit is served');
  });

  it('keeps the last good flags through a bad edit and a removed file, says so, and recovers', async () => {
    const metrics = new FlagMetrics({ service: 'spec' });
    const provider = await openProvider('version: 1\nflags:\n  writes: true\n', { metrics });
    const seen = changes(provider);

    await replaceFile(file, 'version: 1\nflags:\n  writes: sometimes\n');
    await eventually(() => provider.status().source === 'last-known', 'the bad edit is reported');
    expect(provider.isEnabled('writes')).toBe(true);
    expect(provider.status().lastError).toMatch(
      /flags\.writes: expected true, false or a flag object[\s\S]*Still serving the last good flags/,
    );
    expect(seen.count).toBe(0);

    await unlink(file);
    await eventually(() => /cannot be read \(ENOENT\)/.test(provider.status().lastError ?? ''), 'the removal is reported');
    expect(provider.isEnabled('writes')).toBe(true);

    await replaceFile(file, 'version: 1\nflags:\n  writes: false\n');
    await eventually(() => provider.status().source === 'live', 'the fixed file is served');
    expect(provider.isEnabled('writes')).toBe(false);
    expect(provider.status().lastError).toBeUndefined();
    expect(seen.count).toBe(1);

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/neo_flags_errors_total\{provider="file",kind="file",service="spec"\} 2\b/);
    expect(text).toMatch(/neo_flags_source\{provider="file",source="live",service="spec"\} 1\b/);
    expect(text).toMatch(/neo_flags_source\{provider="file",source="last-known",service="spec"\} 0\b/);
  });

  it('counts a bad edit once however often it is seen', async () => {
    const metrics = new FlagMetrics({ service: 'spec' });
    const provider = await openProvider('version: 1\nflags: {}\n', { metrics });
    await replaceFile(file, 'version: 7\n');
    await eventually(() => provider.status().source === 'last-known', 'the bad edit is reported');
    await provider.reload();
    await provider.reload();
    expect(await metrics.registry.metrics()).toMatch(/neo_flags_errors_total\{provider="file",kind="file",service="spec"\} 1\b/);
  });

  it('keeps notifying the other listeners when one throws', async () => {
    const errors: unknown[] = [];
    await writeFile(file, 'version: 1\nflags:\n  a: false\n');
    const provider = await FileFlagProvider.open({ path: file, debounceMs: 20, onError: (error) => errors.push(error) });
    open.push(provider);
    provider.onChange(() => {
      throw new Error('listener bug');
    });
    const seen = changes(provider);
    await writeFile(file, 'version: 1\nflags:\n  a: true\n');
    await provider.reload();
    expect(seen.count).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ message: 'listener bug' })]);
  });
});
