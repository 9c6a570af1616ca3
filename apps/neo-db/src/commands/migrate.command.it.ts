import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTargets, toPgPoolConfig, topologySchema, type DataNode } from '@neo/topology';
import { startTopology, type RunningTopology } from '@neo/topology-runtime';
import { runningTopology } from '../running-topology.js';
import { workspacePaths } from '../workspace-paths.js';
import { migrateCommand } from './migrate.command.js';

const fixtureMigrations = new URL('../../../../prisma/_fixture/migrations', import.meta.url).pathname;
const [first, second] = ['20261128054428_create_widgets', '20261128054431_add_owner_email'];

/** `neo-db migrate` against a running topology: what `neo-db up` wrote (topology + endpoints) is all it needs. */
describe('neo-db migrate', () => {
  let workspace: string;
  let running: RunningTopology;
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'neo-migrate-'));
    const topology = topologySchema.parse({
      version: 1,
      clusters: {
        app: { temperature: 'warm', credentials: { user: 'neo_app', password: 'app-secret' }, primary: { name: 'app-primary' } },
      },
      services: { widgets: { cluster: 'app', database: 'neo_widgets' } },
      monolith: { cluster: 'app' },
    });
    running = await startTopology(topology, { provider: 'embedded' });
    writeFileSync(join(workspace, 'topology.json'), JSON.stringify(topology));
    writeFileSync(join(workspace, 'endpoints.json'), JSON.stringify(running.endpoints));
    // The service's migrations: only the first one so far.
    mkdirSync(join(workspace, 'prisma', 'widgets', 'migrations'), { recursive: true });
    cpSync(join(fixtureMigrations, first), join(workspace, 'prisma', 'widgets', 'migrations', first), { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  const paths = () =>
    workspacePaths(workspace, { NEO_TOPOLOGY: join(workspace, 'topology.json'), NEO_ENDPOINTS: join(workspace, 'endpoints.json') });
  const migrate = async (services: string[] = []) =>
    migrateCommand(runningTopology(paths()), services, { prismaRoot: paths().prismaRoot, log });

  it('applies pending migrations to the service database and its monolith schema, and only those', async () => {
    expect(await migrate()).toBe(0);
    const bound = runningTopology(paths());
    const own = serviceTargets(bound, 'widgets').primary;
    const monolith = { ...serviceTargets(bound, 'widgets').primary, database: 'neo_service_layer', schema: 'widgets' };
    expect(await appliedOn(own)).toEqual([first]);
    expect(await appliedOn(monolith)).toEqual([first]);
    expect(lines.at(-1)).toBe('migrate: 2 migration(s) applied over 2 target(s)');

    cpSync(join(fixtureMigrations, second), join(paths().prismaRoot, 'widgets', 'migrations', second), { recursive: true });
    expect(await migrate(['widgets'])).toBe(0);
    expect(await appliedOn(own)).toEqual([first, second]);
    expect(await appliedOn(monolith)).toEqual([first, second]);
    expect(lines.at(-1)).toBe('migrate: 2 migration(s) applied over 2 target(s)');

    expect(await migrate(['widgets'])).toBe(0);
    expect(lines.at(-1)).toBe('migrate: 0 migration(s) applied over 2 target(s)');
  }, 120_000);

  it('names a service without migrations and how to create its first one', async () => {
    await expect(migrate(['nope'])).rejects.toThrow(/nope/);
  });

  it('refuses a topology that is not running, saying how to start it', async () => {
    rmSync(join(workspace, 'endpoints.json'));
    try {
      await expect(migrate(['widgets'])).rejects.toThrow(
        /Nothing is running yet\. Start the local topology first with `npm start`[\s\S]*no host\/port for app\/app-primary/,
      );
    } finally {
      writeFileSync(join(workspace, 'endpoints.json'), JSON.stringify(running.endpoints));
    }
  });
});

async function appliedOn(node: DataNode): Promise<string[]> {
  const client = new pg.Client(toPgPoolConfig(node));
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
    );
    return rows.map((row) => row.migration_name);
  } finally {
    await client.end();
  }
}
