import pg from 'pg';
import { pgClientConfig, type TlsSettings } from '@neo/topology';
import { Counter, Gauge, Registry } from 'prom-client';

/** How well one PgBouncer entry reuses its server connections since the monitor started. */
export interface PgBouncerReuse {
  /** The PgBouncer entry, e.g. `neo_storage` or `neo_storage_ro`. */
  database: string;
  /** Transactions PgBouncer served to clients (`SHOW STATS` total_xact_count). */
  clientTransactions: number;
  /** Server connections PgBouncer opened to serve them (new rows of `SHOW SERVERS`). */
  serverConnectionsOpened: number;
  /** `1 - opened / transactions`: the share of transactions served on a connection already open; undefined before any. */
  ratio: number | undefined;
}

export interface PgBouncerReuseMonitorOptions {
  cluster: string;
  host: string;
  port: number;
  /** The admin console's login (`RunningPgBouncer.admin`). */
  admin: { user: string; password: string; tls?: TlsSettings | undefined };
  /** Where the `neo_pgbouncer_*` series go; several monitors may share one registry. */
  registry?: Registry;
  /** How often `SHOW SERVERS` is read (default 1000 ms); a server connection opened and closed between two reads is missed. */
  pollIntervalMs?: number;
}

interface EntryCounts {
  transactionsAtStart: number;
  transactions: number;
  opened: number;
}

/**
 * Connection reuse where the seed means it: server connections opened against client
 * transactions served, per PgBouncer entry, read from PgBouncer's admin console. PgBouncer 1.18
 * keeps no count of the server connections it opened, so the monitor notes every server
 * connection it sees in `SHOW SERVERS` (its address and connect time), polling often enough that
 * pooled connections (server_lifetime 3600 s, server_idle_timeout 600 s) are never missed.
 *
 * Exported as `neo_pgbouncer_connection_reuse_ratio{cluster,database}` with the two counts behind
 * it and the pool's client and server connections by state (`SHOW POOLS`).
 */
export class PgBouncerReuseMonitor {
  readonly registry: Registry;
  private readonly entries = new Map<string, EntryCounts>();
  private readonly seen = new Set<string>();
  private readonly metrics: ReturnType<typeof reuseMetrics>;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  private constructor(
    private readonly client: pg.Client,
    private readonly options: PgBouncerReuseMonitorOptions,
  ) {
    this.registry = options.registry ?? new Registry();
    this.metrics = reuseMetrics(this.registry, () => this.poll());
  }

  /** Connects to the admin console and takes the starting point: what was served and opened before is not counted. */
  static async start(options: PgBouncerReuseMonitorOptions): Promise<PgBouncerReuseMonitor> {
    const client = new pg.Client(pgClientConfig({ host: options.host, port: options.port, ...options.admin, database: 'pgbouncer' }));
    // PgBouncer going away (Ctrl-C reaches it too) ends this connection: the next poll fails with it,
    // rather than an unhandled 'error' event ending the process.
    client.on('error', () => undefined);
    await client.connect();
    const monitor = new PgBouncerReuseMonitor(client, options);
    try {
      await monitor.readCounts({ baseline: true });
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    monitor.timer = setInterval(() => void monitor.poll().catch(() => undefined), options.pollIntervalMs ?? 1000);
    monitor.timer.unref();
    return monitor;
  }

  /** Reads PgBouncer now (one read at a time) and updates the metrics. */
  poll(): Promise<void> {
    this.polling ??= this.readCounts({ baseline: false }).finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** Reuse per entry, as of the last poll; entries that served nothing yet are left out. */
  reuse(): PgBouncerReuse[] {
    return [...this.entries]
      .filter(([, counts]) => counts.transactions > counts.transactionsAtStart)
      .map(([database, counts]) => reuseOf(database, counts.transactions - counts.transactionsAtStart, counts.opened));
  }

  /** The whole PgBouncer: every entry's transactions and opened connections added up. */
  total(): PgBouncerReuse {
    const all = this.reuse();
    return reuseOf(
      '*',
      all.reduce((sum, r) => sum + r.clientTransactions, 0),
      all.reduce((sum, r) => sum + r.serverConnectionsOpened, 0),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.polling?.catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }

  private async readCounts({ baseline }: { baseline: boolean }): Promise<void> {
    const cluster = this.options.cluster;
    const servers = await this.client.query<{ database: string; addr: string; port: string; connect_time: string; ptr: string }>(
      'SHOW SERVERS',
    );
    for (const row of servers.rows) {
      const id = `${row.database}|${row.ptr}|${row.connect_time}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      if (baseline) continue;
      this.entry(row.database).opened += 1;
      this.metrics.opened.inc({ cluster, database: row.database });
    }
    const stats = await this.client.query<{ database: string; total_xact_count: string }>('SHOW STATS');
    for (const row of stats.rows) {
      if (row.database === 'pgbouncer') continue;
      const counts = this.entry(row.database);
      const total = Number(row.total_xact_count);
      if (baseline) counts.transactionsAtStart = total;
      if (total > counts.transactions)
        this.metrics.transactions.inc(
          { cluster, database: row.database },
          total - Math.max(counts.transactions, counts.transactionsAtStart),
        );
      counts.transactions = total;
    }
    for (const reuse of this.reuse()) {
      if (reuse.ratio !== undefined) this.metrics.ratio.set({ cluster, database: reuse.database }, reuse.ratio);
    }
    const pools = await this.client.query<Record<string, string>>('SHOW POOLS');
    for (const row of pools.rows) {
      const database = row['database'] ?? '';
      if (database === 'pgbouncer') continue;
      for (const state of ['active', 'idle', 'used', 'tested', 'login'])
        this.metrics.servers.set({ cluster, database, state }, Number(row[`sv_${state}`] ?? 0));
      for (const state of ['active', 'waiting']) this.metrics.clients.set({ cluster, database, state }, Number(row[`cl_${state}`] ?? 0));
    }
  }

  private entry(database: string): EntryCounts {
    let counts = this.entries.get(database);
    if (!counts) {
      counts = { transactionsAtStart: 0, transactions: 0, opened: 0 };
      this.entries.set(database, counts);
    }
    return counts;
  }
}

function reuseOf(database: string, clientTransactions: number, serverConnectionsOpened: number): PgBouncerReuse {
  return {
    database,
    clientTransactions,
    serverConnectionsOpened,
    ratio: clientTransactions === 0 ? undefined : Math.max(0, 1 - serverConnectionsOpened / clientTransactions),
  };
}

/** The series, created once per registry so monitors of several clusters share them. */
function reuseMetrics(registry: Registry, refresh: () => Promise<void>) {
  const labelNames = ['cluster', 'database'] as const;
  // A scrape collects every series at once: each waits for the same read of PgBouncer, so all of
  // them are as fresh as the scrape, not only the first.
  let reading: Promise<void> | undefined;
  const collect = (): Promise<void> =>
    (reading ??= refresh().finally(() => {
      reading = undefined;
    }));
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;
  return {
    ratio:
      existing<Gauge<'cluster' | 'database'>>('neo_pgbouncer_connection_reuse_ratio') ??
      new Gauge({
        name: 'neo_pgbouncer_connection_reuse_ratio',
        help: 'Share of client transactions served on a server connection already open: 1 - opened / transactions (seed target > 0.8)',
        labelNames,
        registers: [registry],
        collect,
      }),
    transactions:
      existing<Counter<'cluster' | 'database'>>('neo_pgbouncer_client_transactions_total') ??
      new Counter({
        name: 'neo_pgbouncer_client_transactions_total',
        help: 'Transactions PgBouncer served to clients (SHOW STATS total_xact_count)',
        labelNames,
        registers: [registry],
        collect,
      }),
    opened:
      existing<Counter<'cluster' | 'database'>>('neo_pgbouncer_server_connections_opened_total') ??
      new Counter({
        name: 'neo_pgbouncer_server_connections_opened_total',
        help: 'Server connections PgBouncer opened (new rows of SHOW SERVERS)',
        labelNames,
        registers: [registry],
        collect,
      }),
    servers:
      existing<Gauge<'cluster' | 'database' | 'state'>>('neo_pgbouncer_server_connections') ??
      new Gauge({
        name: 'neo_pgbouncer_server_connections',
        help: 'Server connections of a PgBouncer pool by state (SHOW POOLS sv_*)',
        labelNames: [...labelNames, 'state'],
        registers: [registry],
        collect,
      }),
    clients:
      existing<Gauge<'cluster' | 'database' | 'state'>>('neo_pgbouncer_client_connections') ??
      new Gauge({
        name: 'neo_pgbouncer_client_connections',
        help: 'Client connections of a PgBouncer pool by state (SHOW POOLS cl_active, cl_waiting)',
        labelNames: [...labelNames, 'state'],
        registers: [registry],
        collect,
      }),
  };
}
