import { quoteLiteral, quoteTable } from './sql-runner.js';

/** Time partitions cover one UTC day or one UTC month each. */
export type PartitionInterval = 'day' | 'month';

/** One time partition: rows with `from <= column < to`. */
export interface TimePartition {
  /** Table name: the parent's name plus `_pYYYYMMDD` (day) or `_pYYYYMM` (month). */
  name: string;
  from: Date;
  to: Date;
}

/** The start of the UTC day or month holding `at`. */
export function periodStart(at: Date, interval: PartitionInterval): Date {
  return interval === 'day'
    ? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
    : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The start of the period `steps` periods after the one starting at `start`. */
export function addPeriods(start: Date, interval: PartitionInterval, steps: number): Date {
  return interval === 'day'
    ? new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + steps))
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + steps, 1));
}

/** The partition of `parent` (a bare table name) holding `at`. */
export function partitionFor(parent: string, interval: PartitionInterval, at: Date): TimePartition {
  const from = periodStart(at, interval);
  const to = addPeriods(from, interval, 1);
  const stamp = from
    .toISOString()
    .slice(0, interval === 'day' ? 10 : 7)
    .replace(/-/g, '');
  return { name: `${bareName(parent)}_p${stamp}`, from, to };
}

/** The start of the period a partition name stands for, or undefined if the name is not one of ours. */
export function periodOfPartitionName(parent: string, interval: PartitionInterval, name: string): Date | undefined {
  const prefix = `${bareName(parent)}_p`;
  if (!name.startsWith(prefix)) return undefined;
  const stamp = name.slice(prefix.length);
  const match = interval === 'day' ? /^(\d{4})(\d{2})(\d{2})$/.exec(stamp) : /^(\d{4})(\d{2})$/.exec(stamp);
  if (!match) return undefined;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3] ?? 1)));
}

/** `CREATE TABLE … PARTITION OF … FOR VALUES FROM … TO …` for one time partition (idempotent). */
export function createTimePartitionSql(parent: string, partition: TimePartition): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${quoteTable(withSchemaOf(parent, partition.name))} PARTITION OF ${quoteTable(parent)} ` +
    `FOR VALUES FROM (${quoteLiteral(partition.from.toISOString())}) TO (${quoteLiteral(partition.to.toISOString())})`
  );
}

export function dropPartitionSql(parent: string, partitionName: string): string {
  return `DROP TABLE IF EXISTS ${quoteTable(withSchemaOf(parent, partitionName))}`;
}

/** The parent's schema applied to a partition name (partitions live beside their parent). */
export function withSchemaOf(parent: string, name: string): string {
  const dot = parent.lastIndexOf('.');
  return dot < 0 ? name : `${parent.slice(0, dot)}.${name}`;
}

function bareName(table: string): string {
  return table.slice(table.lastIndexOf('.') + 1);
}
