import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/**
 * The driver adapter factory the Prisma schema engine (WASM build) talks to PostgreSQL through.
 * It is `@prisma/adapter-pg` with three corrections the migration engine needs:
 *
 * 1. adapter-pg cannot map PostgreSQL's internal `"char"` type (OID 18), which the engine's
 *    schema describer reads from the catalogs (`relkind`, `contype`, ...); such columns are
 *    handed over as text, which is what they are.
 * 2. adapter-pg's own shadow database drops the database while its pool still holds connections;
 *    here the pool is closed first and the drop forces any straggler out.
 * 3. adapter-pg runs a script by splitting it on every `;`, which breaks function bodies; here a
 *    script goes to the server whole, as the native engine sends it.
 */
export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly config: pg.PoolConfig;
  private readonly schema: string | undefined;
  private readonly openAdapters = new Set<SqlDriverAdapter>();

  /** `schema` is the PostgreSQL schema the engine works in (default `public`). */
  constructor(config: pg.PoolConfig, options: { schema?: string } = {}) {
    this.config = config;
    this.schema = options.schema;
  }

  async connect(): Promise<SqlDriverAdapter> {
    // The engine names `_prisma_migrations` without a schema: the search_path must lead to the schema in use.
    const config = this.schema ? { ...this.config, options: `-c search_path=${quoteIdentifier(this.schema)}` } : this.config;
    return this.openAdapter(config, this.schema);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await this.runOnServer(`CREATE DATABASE "${database}"`);
    try {
      return await this.openAdapter(withDatabase(this.config, database), undefined, () =>
        this.runOnServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
      );
    } catch (error) {
      await this.runOnServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      throw error;
    }
  }

  /** Closes every connection still open (the engine does not always dispose what it opened). */
  async disposeAll(): Promise<void> {
    await Promise.allSettled([...this.openAdapters].map((adapter) => adapter.dispose()));
  }

  private async openAdapter(config: pg.PoolConfig, schema: string | undefined, afterDispose?: () => Promise<void>) {
    const pool = new pg.Pool({ ...config, max: 2, Client: CharAsTextClient });
    // An idle connection the server ends (e.g. a dropped shadow database) must not crash the process.
    pool.on('error', () => undefined);
    // adapter-pg is typed against its own copy of @types/pg; the runtime Pool is the same class.
    const adapter = await new PrismaPg(pool as unknown as PrismaPgPool, { schema, disposeExternalPool: true }).connect();
    const wrapped: SqlDriverAdapter = {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      queryRaw: (query) => adapter.queryRaw(query),
      executeRaw: (query) => adapter.executeRaw(query),
      startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
      getConnectionInfo: () => adapter.getConnectionInfo(),
      // A query without parameters uses PostgreSQL's simple protocol, which runs a multi-statement script as sent.
      executeScript: async (script) => {
        await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
      },
      dispose: async () => {
        if (!this.openAdapters.delete(wrapped)) return;
        await adapter.dispose();
        await afterDispose?.();
      },
    };
    this.openAdapters.add(wrapped);
    return wrapped;
  }

  /** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE cannot run inside the target). */
  private async runOnServer(sql: string): Promise<void> {
    const client = new pg.Client(withDatabase(this.config, 'postgres'));
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

/** The same server and credentials, another database (a connection string wins over a separate `database` field in pg). */
function withDatabase(config: pg.PoolConfig, database: string): pg.PoolConfig {
  if (!config.connectionString) return { ...config, database };
  const url = new URL(config.connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { ...config, connectionString: url.toString() };
}

type PrismaPgPool = Extract<ConstructorParameters<typeof PrismaPg>[0], { query: unknown }>;

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const CHAR_OID = 18;
const TEXT_OID = 25;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

function charColumnsAsText<T>(result: T): T {
  for (const part of Array.isArray(result) ? result : [result]) {
    for (const field of (part as QueryResultLike | undefined)?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

/**
 * A pg client that reports `"char"` result columns as `text`. Both call styles are covered:
 * the pool calls `query(config, values, callback)`, a checked-out client `query(config)`.
 */
class CharAsTextClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    (this as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const callbackIndex = args.findIndex((arg) => typeof arg === 'function');
      if (callbackIndex >= 0) {
        const callback = args[callbackIndex] as (error: unknown, result: unknown) => void;
        args[callbackIndex] = (error: unknown, result: unknown) => callback(error, error ? result : charColumnsAsText(result));
        return query(...args);
      }
      const result = query(...args);
      return result instanceof Promise ? result.then(charColumnsAsText) : result;
    };
  }
}
