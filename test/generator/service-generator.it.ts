import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadTopology } from '@neo/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/*
 * `nx g @neo/tools:service` in a scratch copy of the workspace: the service it makes builds and
 * passes its own tests (on its own database and on its schema in the monolith, against real
 * PostgreSQL servers its tests start).
 */

const run = promisify(execFile);
const workspace = fileURLToPath(new URL('../..', import.meta.url));
const SERVICE = 'gentest';
const TEN_MINUTES = 600_000;

let scratch: string;

/** The workspace's tracked and new files (no build output, no generated clients), and its packages by link. */
async function copyWorkspace(to: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: workspace,
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    await mkdir(join(to, dirname(file)), { recursive: true });
    await cp(join(workspace, file), join(to, file), { force: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // deleted but not yet staged
    });
  }
  // node_modules by link, except the workspace's own packages, which must point into the copy.
  await mkdir(join(to, 'node_modules/@neo'), { recursive: true });
  for (const entry of await readdir(join(workspace, 'node_modules'))) {
    if (entry !== '@neo') await symlink(join(workspace, 'node_modules', entry), join(to, 'node_modules', entry));
  }
  for (const entry of await readdir(join(workspace, 'node_modules/@neo'))) {
    // Relative links (../../libs/data): in the copy they point into the copy.
    await symlink(await readlink(join(workspace, 'node_modules/@neo', entry)), join(to, 'node_modules/@neo', entry));
  }
}

function inScratch(command: string, args: string[], cwd = scratch): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, {
    cwd,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: TEN_MINUTES,
  });
}

describe('nx g @neo/tools:service', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'neo-generator-'));
    // PostgreSQL runs as the postgres user when the tests run as root: it must reach the copy.
    await chmod(scratch, 0o755);
    await copyWorkspace(scratch);
    await inScratch(join(scratch, 'node_modules/.bin/nx'), ['g', '@neo/tools:service', SERVICE, '--cluster', 'application']);
  }, TEN_MINUTES);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('declares the service in the topology and the flags, on a port of its own, in the build and the README', async () => {
    const topology = loadTopology({ path: join(scratch, 'config/topology.yaml') });
    expect(topology.services[SERVICE]).toMatchObject({ cluster: 'application', database: `neo_${SERVICE}` });
    const flags = parse(await readFile(join(scratch, 'config/flags.yaml'), 'utf8')) as { flags: Record<string, unknown> };
    expect(flags.flags[`UseShardedDatabase.${SERVICE}.reads`]).toEqual({ rollout: 0 });
    expect(flags.flags[`UseShardedDatabase.${SERVICE}.writes`]).toBe(false);

    const localServices = await readFile(join(scratch, 'apps/neo-db/src/local-services.ts'), 'utf8');
    const ports = [...localServices.matchAll(/port: (\d+)/g)].map((match) => Number(match[1]));
    expect(localServices).toContain(`{ topologyService: '${SERVICE}', app: '${SERVICE}', port: ${Math.max(...ports)} }`);
    expect(new Set(ports).size).toBe(ports.length);
    expect(await readFile(join(scratch, 'tsconfig.build.json'), 'utf8')).toContain(`"apps/${SERVICE}"`);
    expect(await readFile(join(scratch, 'README.md'), 'utf8')).toContain(`| \`apps/${SERVICE}\``);
  });

  it('writes the first migration with the project tool', async () => {
    const migrations = await readdir(join(scratch, `prisma/${SERVICE}/migrations`));
    const init = migrations.find((name) => /^\d{14}_init$/.test(name));
    expect(init).toBeDefined();
    expect(await readFile(join(scratch, `prisma/${SERVICE}/migrations/${init}/migration.sql`), 'utf8')).toContain('CREATE TABLE "items"');
  });

  it(
    'makes a service that builds and passes its own tests on both sides',
    async () => {
      await inScratch(process.execPath, [join(scratch, 'node_modules/typescript/bin/tsc'), '-b', `apps/${SERVICE}/tsconfig.json`]);
      // vitest exits non-zero when a test fails (execFile then rejects); its JSON report says what ran.
      const report = join(scratch, 'vitest-report.json');
      await inScratch(
        process.execPath,
        [join(scratch, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${report}`],
        join(scratch, 'apps', SERVICE),
      );
      const result = JSON.parse(await readFile(report, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        testResults: { name: string }[];
      };
      const files = result.testResults.map((file) => file.name.split('/').pop()).sort();
      expect(files).toEqual([`${SERVICE}-app.it.ts`, `${SERVICE}-http.it.ts`]);
      expect(result.numFailedTests).toBe(0);
      expect(result.numPassedTests).toBeGreaterThanOrEqual(10);
    },
    2 * TEN_MINUTES,
  );
});
