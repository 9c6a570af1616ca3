import { createHash } from 'node:crypto';

/**
 * The hash strategy's 64-bit keyspace id of a shard key: the first 8 bytes of the MD5
 * of the key's text form, read as an unsigned big-endian integer. MD5 is not used for
 * security here; it is chosen because PostgreSQL has it built in, so the same value is
 * computable in SQL (see {@link keyspaceIdHexSql}) for checks, backfills and logical
 * replication row filters.
 *
 * The text form is what `column::text` prints in PostgreSQL for the key's column type:
 * decimal digits for integers, the string itself for text (and lower-case UUIDs).
 */
export function keyspaceId(keyText: string): bigint {
  const digest = createHash('md5').update(keyText, 'utf8').digest();
  return digest.readBigUInt64BE(0);
}

/** The keyspace id as 16 lower-case hex digits, which is what {@link keyspaceIdHexSql} yields. */
export function keyspaceIdHex(keyText: string): string {
  return keyspaceId(keyText).toString(16).padStart(16, '0');
}

/** SQL yielding the keyspace id of `columnSql` as 16 hex digits (compare it with `COLLATE "C"`). */
export function keyspaceIdHexSql(columnSql: string): string {
  return `substr(md5((${columnSql})::text), 1, 16)`;
}

/**
 * SQL yielding the keyspace id as a signed `bigint` (PostgreSQL has no unsigned 64-bit
 * type): ids of 2^63 and above come out negative, exactly as two's complement.
 */
export function keyspaceIdBigintSql(columnSql: string): string {
  return `('x' || ${keyspaceIdHexSql(columnSql)})::bit(64)::bigint`;
}
