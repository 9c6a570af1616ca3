import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology, type Endpoints } from '@neo/data';
import { endpointKey } from '@neo/topology';
import { loadFlagsFile } from '@neo/data/flags';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cutoverContextFromWorkspace } from './cutover-commands.js';
import { writeLocalUnleashRecord } from './local-unleash.js';
import { ensureRuntimeFlags } from './runtime-flags.js';
import { workspacePaths, type WorkspacePaths } from './workspace-paths.js';

describe('runtime flags', () => {
  let dir: string;
  let paths: WorkspacePaths;
  let declared: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'neo-db-flags-'));
    const real = workspacePaths(undefined, {});
    // A copy of the repository's declared flags, so the test can prove nobody writes it.
    mkdirSync(join(dir, 'config'));
    declared = readFileSync(real.declaredFlagsFile, 'utf8');
    writeFileSync(join(dir, 'config', 'flags.yaml'), declared);
    paths = {
      ...workspacePaths(undefined, { NEO_DATA_DIR: join(dir, '.neo', 'data') }),
      declaredFlagsFile: join(dir, 'config', 'flags.yaml'),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('live beside the data (.neo/flags.yaml), seeded from the declared defaults when missing', async () => {
    expect(paths.flagsFile).toBe(join(dir, '.neo', 'flags.yaml'));
    expect(ensureRuntimeFlags(paths)).toBe(true);
    expect(await loadFlagsFile(paths.flagsFile)).toEqual(await loadFlagsFile(paths.declaredFlagsFile));
    writeFileSync(paths.flagsFile, 'version: 1\nflags:\n  UseShardedDatabase.storage.writes: true\n');
    expect(ensureRuntimeFlags(paths)).toBe(false);
    expect(readFileSync(paths.flagsFile, 'utf8')).toContain('storage.writes: true');
    // `npm start -- --wipe` starts from the defaults again.
    expect(ensureRuntimeFlags(paths, { reset: true })).toBe(true);
    expect(await loadFlagsFile(paths.flagsFile)).toEqual(await loadFlagsFile(paths.declaredFlagsFile));
  });

  /** Endpoints as a running `npm start` writes them (nothing is contacted here). */
  function writeEndpoints(): void {
    const topology = loadTopology({ path: paths.topologyFile });
    const endpoints: Endpoints = {};
    for (const [cluster, c] of Object.entries(topology.clusters)) {
      for (const node of [c.primary, ...c.replicas]) endpoints[endpointKey(cluster, node.name)] = { host: '127.0.0.1', port: 1 };
    }
    mkdirSync(join(dir, '.neo'), { recursive: true });
    writeFileSync(paths.endpointsFile, JSON.stringify(endpoints));
  }

  it('are what the cutover commands change; the tracked config/flags.yaml stays as it is', async () => {
    writeEndpoints();

    const context = cutoverContextFromWorkspace(paths, {}, () => undefined, {});
    expect(context.flags.describe()).toBe(`flags file ${paths.flagsFile}`);
    await context.flags.setReadPercent('storage', 10);
    await context.flags.setWriteSide('storage', 'service');

    expect(await context.flags.read('storage')).toEqual({ readPercent: 10, writeSide: 'service' });
    expect(readFileSync(paths.declaredFlagsFile, 'utf8')).toBe(declared);
  });

  it('are in the Unleash `npm start -- --flags unleash` runs, while it runs', () => {
    writeEndpoints();
    writeLocalUnleashRecord(paths, { url: 'http://127.0.0.1:4242' });
    const context = cutoverContextFromWorkspace(paths, {}, () => undefined, {});
    expect(context.flags.describe()).toBe('Unleash at http://127.0.0.1:4242 (project default, environment development)');
    // A flags file named on the command line wins.
    expect(cutoverContextFromWorkspace(paths, { 'flags-file': join(dir, 'x.yaml') }, () => undefined, {}).flags.describe()).toBe(
      `flags file ${join(dir, 'x.yaml')}`,
    );
  });

  it('a file the operator names is used as given, and never reset', () => {
    const own = join(dir, 'mine.yaml');
    const named = workspacePaths(undefined, { NEO_DATA_DIR: join(dir, '.neo', 'data'), NEO_FLAGS_FILE: own });
    expect(named.flagsFile).toBe(own);
    writeFileSync(own, 'version: 1\nflags: {}\n');
    expect(ensureRuntimeFlags(named, { reset: true })).toBe(false);
    expect(readFileSync(own, 'utf8')).toBe('version: 1\nflags: {}\n');
    expect(existsSync(join(dir, '.neo', 'flags.yaml'))).toBe(false);
  });
});
