/**
 * The instants a service can store and give back. PostgreSQL's `timestamptz` spans 4713 BC to
 * 294276 AD, but a value travels as text between the two: the driver adapter writes the year as
 * digits (years before 1 AD come out as "0000" or "-271821", which PostgreSQL refuses), and a
 * year of five digits comes back as text JavaScript cannot parse. Years 1 to 9999 make the whole
 * round trip, so that is the range a request may use.
 */
export const EARLIEST_STORABLE_INSTANT = new Date('0001-01-01T00:00:00.000Z');
export const LATEST_STORABLE_INSTANT = new Date('9999-12-31T23:59:59.999Z');

/** The storable range as a request's error message shows it. */
export const STORABLE_RANGE_TEXT = '0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z';

/** Whether the instant is a valid date PostgreSQL stores and gives back unchanged (see above). */
export function isStorableInstant(instant: Date): boolean {
  const time = instant.getTime();
  return time >= EARLIEST_STORABLE_INSTANT.getTime() && time <= LATEST_STORABLE_INSTANT.getTime();
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * An ISO 8601 date-time with a time zone (`2026-01-31T12:00:00Z`, `…T12:00:00.123+01:00`), or
 * undefined for anything else. Stricter than `Date.parse`, which takes February 30 for March 2
 * and a time without a zone as the server's local time.
 */
export function parseIsoDateTime(text: string): Date | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part))) as number[];
  const millis = match[7] === undefined ? 0 : Number(match[7].slice(0, 3).padEnd(3, '0'));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth(year!, month!)) return undefined;
  if (hour! > 23 || minute! > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (match[8]!.toUpperCase() !== 'Z') {
    const offsetHours = Number(match[9]);
    const offsetMins = Number(match[10]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (match[8]!.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year!, month! - 1, day!);
  utc.setUTCHours(hour!, minute!, second, millis);
  return new Date(utc.getTime() - offsetMinutes * 60_000);
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}
