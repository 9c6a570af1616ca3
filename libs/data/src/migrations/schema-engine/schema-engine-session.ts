import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type {
  DiagnoseMigrationHistoryOutput,
  MigrationList,
  SchemaContainer,
  SchemaEngine,
  SchemaFilter,
} from '@prisma/schema-engine-wasm';
import type pg from 'pg';
import { MigrationAdapterFactory } from './migration-adapter-factory.js';
import { POSTGRESQL_MIGRATION_LOCK } from './migrations-list.js';

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface SchemaEngineSessionOptions {
  /** The database the engine works on; shadow databases are created on the same server. */
  connection: pg.PoolConfig;
  /** PostgreSQL schema inside that database (default `public`). */
  schema?: string;
  /** Path of the service's `schema.prisma`. */
  schemaPath: string;
  /** Engine log lines (JSON), for debugging. */
  log?: (line: string) => void;
}

/**
 * Prisma's schema engine (the WASM build, so no native binary is downloaded) bound to one
 * database and one `schema.prisma`. This is what `prisma migrate` would do, driven directly.
 */
export class SchemaEngineSession {
  private readonly engine: SchemaEngine;
  private readonly schemaFiles: SchemaContainer[];
  private readonly schemaDirectory: string;
  private readonly adapters: MigrationAdapterFactory;

  private constructor(engine: SchemaEngine, adapters: MigrationAdapterFactory, schemaFiles: SchemaContainer[], schemaDirectory: string) {
    this.engine = engine;
    this.adapters = adapters;
    this.schemaFiles = schemaFiles;
    this.schemaDirectory = schemaDirectory;
  }

  static async open(options: SchemaEngineSessionOptions): Promise<SchemaEngineSession> {
    const content = await readFile(options.schemaPath, 'utf8');
    // Loaded on first use: the WASM module is large and only migration tooling needs it.
    const { SchemaEngine } = await import('@prisma/schema-engine-wasm');
    const adapters = new MigrationAdapterFactory(options.connection, { schema: options.schema });
    const log = options.log ?? (() => undefined);
    const engine = await SchemaEngine.new(
      { datamodels: [[options.schemaPath, content]] },
      log,
      bindMigrationAwareSqlAdapterFactory(adapters),
    );
    return new SchemaEngineSession(engine, adapters, [{ path: options.schemaPath, content }], dirname(options.schemaPath));
  }

  /**
   * The SQL that brings a database holding `migrations` to what schema.prisma describes
   * (computed on a shadow database), or `null` when there is nothing to do.
   */
  async diffMigrationsToSchema(migrations: MigrationList): Promise<string | null> {
    const result = await this.engine.diff({
      // The engine reads the provider from migration_lock.toml, which a first migration does not have yet.
      // (An empty history still goes through a shadow database, so the script does not recreate `public`.)
      from: {
        tag: 'migrations',
        ...migrations,
        lockfile: { ...migrations.lockfile, content: migrations.lockfile.content ?? POSTGRESQL_MIGRATION_LOCK },
      },
      to: { tag: 'schemaDatamodel', files: this.schemaFiles },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    return result.exitCode === 2 ? (result.stdout ?? '') : null;
  }

  /** The SQL that brings the connected database to what schema.prisma describes, or `null` when it already matches. */
  async diffDatabaseToSchema(): Promise<string | null> {
    const result = await this.engine.diff({
      from: { tag: 'schemaDatasource', files: this.schemaFiles, configDir: this.schemaDirectory },
      to: { tag: 'schemaDatamodel', files: this.schemaFiles },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    return result.exitCode === 2 ? (result.stdout ?? '') : null;
  }

  /** Prisma's own view of the connected database's migration history (what `prisma migrate status` reports). */
  diagnoseMigrationHistory(migrations: MigrationList): Promise<DiagnoseMigrationHistoryOutput> {
    return this.engine.diagnoseMigrationHistory({ migrationsList: migrations, optInToShadowDatabase: false, filters: NO_FILTER });
  }

  /** `prisma migrate deploy`: applies the unapplied migrations, returns their names. */
  async applyMigrations(migrations: MigrationList): Promise<string[]> {
    const result = await this.engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER });
    return result.appliedMigrationNames;
  }

  async close(): Promise<void> {
    this.engine.free();
    await this.adapters.disposeAll();
  }
}
