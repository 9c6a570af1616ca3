import { quoteTable } from './sql-runner.js';
import { withSchemaOf } from './time-partitions.js';

/**
 * Hash partitions inside one database: `modulus` partitions of a table declared
 * `PARTITION BY HASH (key)`, named `<table>_h<remainder>`. PostgreSQL places rows
 * itself; this only spells out the partitions.
 */
export function hashPartitionsSql(parent: string, modulus: number): string[] {
  if (!Number.isInteger(modulus) || modulus < 1)
    throw new RangeError(`A hash-partitioned table needs a whole number of partitions, not ${modulus}.`);
  const bare = parent.slice(parent.lastIndexOf('.') + 1);
  return Array.from(
    { length: modulus },
    (_, remainder) =>
      `CREATE TABLE IF NOT EXISTS ${quoteTable(withSchemaOf(parent, `${bare}_h${remainder}`))} PARTITION OF ${quoteTable(parent)} ` +
      `FOR VALUES WITH (MODULUS ${modulus}, REMAINDER ${remainder})`,
  );
}

/** Runs the statements of {@link hashPartitionsSql}. */
export async function createHashPartitions(db: { query(text: string): Promise<unknown> }, parent: string, modulus: number): Promise<void> {
  for (const statement of hashPartitionsSql(parent, modulus)) await db.query(statement);
}
