import { describe, expect, it } from 'vitest';
import { runsOutsideTransaction } from './transaction-mode.js';

describe('runsOutsideTransaction', () => {
  it.each([
    'CREATE INDEX CONCURRENTLY "owners_email_idx" ON "owners"("email");',
    'create unique index concurrently owners_name_key on owners (name);',
    'DROP INDEX CONCURRENTLY IF EXISTS owners_email_idx;',
    'REINDEX (VERBOSE) TABLE CONCURRENTLY owners;',
    'VACUUM ANALYZE owners;',
  ])('opts a migration out of its transaction for %s', (sql) => {
    expect(runsOutsideTransaction(sql)).toBe(true);
  });

  it.each([
    'CREATE INDEX "owners_email_idx" ON "owners"("email");',
    '-- later: CREATE INDEX CONCURRENTLY owners_email_idx ON owners (email)\nCREATE INDEX owners_email_idx ON owners (email);',
    "COMMENT ON TABLE owners IS 'built with CREATE INDEX CONCURRENTLY';",
    "CREATE FUNCTION f() RETURNS void AS $body$ BEGIN EXECUTE 'VACUUM'; END $body$ LANGUAGE plpgsql;",
    'ALTER TABLE "vacuum_runs" ADD COLUMN "concurrently" boolean;',
  ])('keeps a migration in its transaction for %s', (sql) => {
    expect(runsOutsideTransaction(sql)).toBe(false);
  });
});
