import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { PgBouncerReuseMonitor, type RunningPgBouncer } from '@neo/topology-runtime';

/** Where Prometheus scrapes the PgBouncers' reuse and pool series; pgbouncer_exporter's usual port. */
export const PGBOUNCER_METRICS_PORT = 9127;

export interface PgBouncerMetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `/metrics` for the PgBouncers `neo-db up` started: connection reuse
 * (`neo_pgbouncer_connection_reuse_ratio{cluster,database}`), the counts behind it and each
 * pool's connections by state, read from each PgBouncer's admin console when scraped; and whatever
 * else `registry` holds (the automatic failovers of `--auto-failover`).
 * `$NEO_PGBOUNCER_METRICS_PORT` moves it (0: any free port).
 */
export async function servePgBouncerMetrics(
  pgbouncers: readonly RunningPgBouncer[],
  env: NodeJS.ProcessEnv = process.env,
  registry: Registry = new Registry(),
): Promise<PgBouncerMetricsServer> {
  const monitors: PgBouncerReuseMonitor[] = [];
  try {
    for (const p of pgbouncers) {
      monitors.push(await PgBouncerReuseMonitor.start({ cluster: p.cluster, host: p.host, port: p.port, admin: p.admin, registry }));
    }
    const server = createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end('try /metrics\n');
        return;
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: Error) => response.writeHead(503).end(`PgBouncer did not answer: ${error.message}\n`),
      );
    });
    const port = Number(env['NEO_PGBOUNCER_METRICS_PORT'] ?? PGBOUNCER_METRICS_PORT);
    await listen(server, port);
    const { port: bound } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${bound}/metrics`,
      close: async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled(monitors.map((m) => m.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(monitors.map((m) => m.close()));
    throw error;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
