import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFlagsText } from '../flags/load-flags-file.js';
import { FileFlagWriter } from './file.flag-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'neo-flag-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileFlagWriter', () => {
  it('sets the read rollout and the write switch, keeping comments and other flags', async () => {
    const path = join(dir, 'flags.yaml');
    await writeFile(path, '# keep me\nversion: 1\nflags:\n  Other: true\n  UseShardedDatabase.storage.reads: { rollout: 0 }\n');
    const writer = new FileFlagWriter({ path });
    expect(await writer.read('storage')).toEqual({ readPercent: 0, writeSide: 'monolith' });

    await writer.setReadPercent('storage', 25);
    await writer.setWriteSide('storage', 'service');
    expect(await writer.read('storage')).toEqual({ readPercent: 25, writeSide: 'service' });

    const text = await readFile(path, 'utf8');
    expect(text).toContain('# keep me');
    const flags = new Map(parseFlagsText(text, path).map((flag) => [flag.name, flag]));
    expect(flags.get('Other')?.enabled).toBe(true);
    expect(flags.get('UseShardedDatabase.storage.reads')?.strategies).toEqual([
      { name: 'flexibleRollout', parameters: { rollout: '25', stickiness: 'userId', groupId: 'UseShardedDatabase.storage.reads' } },
    ]);

    await writer.setWriteSide('storage', 'monolith');
    expect((await writer.read('storage')).writeSide).toBe('monolith');
  });

  it('creates a missing file', async () => {
    const writer = new FileFlagWriter({ path: join(dir, 'new.yaml') });
    await writer.setReadPercent('oracle', 100);
    expect(await writer.read('oracle')).toEqual({ readPercent: 100, writeSide: 'monolith' });
  });
});
