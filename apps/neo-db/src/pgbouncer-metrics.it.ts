import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologySchema } from '@neo/topology';
import { findPgBouncer, startTopology, type RunningTopology } from '@neo/topology-runtime';
import { servePgBouncerMetrics, type PgBouncerMetricsServer } from './pgbouncer-metrics.js';

/* The `/metrics` that `neo-db up` serves for its PgBouncers, against a real one (skipped where pgbouncer is not installed). */

const CREDENTIALS = { user: 'neo_pm', password: 'pm-secret' };
const topology = topologySchema.parse({
  version: 1,
  clusters: { pm: { temperature: 'warm', credentials: CREDENTIALS, primary: { name: 'pm-primary' }, pgbouncer: {} } },
  services: { fixture: { cluster: 'pm', database: 'neo_pm' } },
  monolith: { cluster: 'pm', database: 'neo_service_layer' },
});

describe.skipIf(!findPgBouncer())(
  `PgBouncer metrics of neo-db up${findPgBouncer() ? '' : ' (skipped: pgbouncer is not installed: apt-get install -y pgbouncer)'}`,
  () => {
    let running: RunningTopology;
    let metrics: PgBouncerMetricsServer;
    beforeAll(async () => {
      running = await startTopology(topology, { provider: 'embedded', pgbouncer: true });
      metrics = await servePgBouncerMetrics(running.pgbouncers, { NEO_PGBOUNCER_METRICS_PORT: '0' });
    }, 180_000);
    afterAll(async () => {
      await metrics?.close();
      await running?.stop();
    });

    it('serves connection reuse per cluster and database entry, as fresh as the scrape', async () => {
      const [pgbouncer] = running.pgbouncers;
      const pool = new pg.Pool({ host: pgbouncer?.host, port: pgbouncer?.port, database: 'neo_pm', ...CREDENTIALS, max: 10 });
      await Promise.all(Array.from({ length: 500 }, (_, i) => pool.query('select $1::int', [i])));
      await pool.end();

      const response = await fetch(metrics.url);
      expect(response.status).toBe(200);
      const text = await response.text();
      const ratio = /^neo_pgbouncer_connection_reuse_ratio\{cluster="pm",database="neo_pm"\} ([\d.]+)$/m.exec(text);
      expect(Number(ratio?.[1])).toBeGreaterThan(0.8);
      expect(text).toMatch(/^neo_pgbouncer_client_transactions_total\{cluster="pm",database="neo_pm"\} (\d+)$/m);
      expect(text).not.toContain(CREDENTIALS.password);
      expect((await fetch(metrics.url.replace('/metrics', '/'))).status).toBe(404);
    });
  },
);
