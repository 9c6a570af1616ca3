/**
 * A PostgreSQL WAL position (`pg_lsn`, written `16/B374D848`) as a bigint, so positions compare
 * with `<`/`>=` and subtract into byte distances.
 */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a PostgreSQL WAL position (expected e.g. "16/B374D848")`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
