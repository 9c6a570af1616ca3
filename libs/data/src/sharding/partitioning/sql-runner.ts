/** What the partitioning helpers need to run SQL: a `pg` Pool, Client or PoolClient fits. */
export interface SqlRunner {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

/** A PostgreSQL identifier, double-quoted (names come from code and topology, never from users). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A schema-qualified table name, `schema.table` or `table`, quoted. */
export function quoteTable(table: string): string {
  return table.split('.').map(quoteIdentifier).join('.');
}

/** A string literal (used for timestamps this code formats itself). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
