import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startScratchPostgres } from './scratch-postgres.js';

describe('startScratchPostgres', () => {
  it('starts a PostgreSQL 15 server that accepts the superuser, and removes it on stop', async () => {
    const started = performance.now();
    const scratch = await startScratchPostgres();
    console.log(`scratch PostgreSQL started in ${Math.round(performance.now() - started)} ms`);
    const client = new pg.Client({ connectionString: scratch.url });
    try {
      await client.connect();
      const { rows } = await client.query<{ version: string; superuser: string; preload: string }>(
        "select current_setting('server_version_num') as version, current_setting('is_superuser') as superuser, current_setting('shared_preload_libraries') as preload",
      );
      expect(rows[0]?.version.startsWith('15')).toBe(true);
      expect(rows[0]?.superuser).toBe('on');
      expect(rows[0]?.preload).toBe('pg_stat_statements');
      await client.query('create table t (id int primary key)');
    } finally {
      await client.end();
      await scratch.stop();
    }
    expect(existsSync(scratch.dataDir)).toBe(false);
    const late = new pg.Client({ connectionString: scratch.url, connectionTimeoutMillis: 2_000 });
    await expect(late.connect()).rejects.toThrow();
  });

  it('refuses a wrong password', async () => {
    const scratch = await startScratchPostgres();
    try {
      const client = new pg.Client({ host: scratch.host, port: scratch.port, user: scratch.user, password: 'wrong', database: 'postgres' });
      await expect(client.connect()).rejects.toThrow(/password authentication failed/);
    } finally {
      await scratch.stop();
    }
  });
});
