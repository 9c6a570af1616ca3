import { randomBytes } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 42-bit counter (the 12 bits
 * of rand_a and the top 30 of rand_b, "method 1" of the RFC) that starts at a random
 * value each millisecond and counts up within it, then 32 random bits. Ids made by
 * one generator are therefore strictly increasing, also within a millisecond and when
 * the clock steps back; made on several machines, they are unique and roughly time-ordered.
 * They sort correctly as text and as PostgreSQL `uuid`, so rows can move between shards
 * and the monolith without collisions.
 *
 * Hand-written because no maintained `uuid` package is a dependency here; it is short.
 */
export class Uuidv7Generator {
  private lastMs = -1;
  private counter = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: (size: number) => Uint8Array = randomBytes,
  ) {}

  next(): string {
    let ms = Math.max(Math.floor(this.now()), this.lastMs);
    if (ms === this.lastMs) {
      this.counter += 1;
      // 2^42 ids in one millisecond: borrow the next millisecond rather than repeat.
      if (this.counter > COUNTER_MAX) {
        ms += 1;
        this.counter = this.freshCounter();
      }
    } else {
      this.counter = this.freshCounter();
    }
    this.lastMs = ms;
    return format(ms, this.counter, this.random(4));
  }

  /** A random start with the top bit clear, leaving at least 2^41 increments in the millisecond. */
  private freshCounter(): number {
    const bytes = this.random(6);
    return (bytes[0]! & 0x01) * 2 ** 40 + bytes[1]! * 2 ** 32 + bytes[2]! * 2 ** 24 + bytes[3]! * 2 ** 16 + bytes[4]! * 2 ** 8 + bytes[5]!;
  }
}

const COUNTER_MAX = 2 ** 42 - 1;

function format(ms: number, counter: number, tail: Uint8Array): string {
  const bytes = new Uint8Array(16);
  for (let i = 5, rest = ms; i >= 0; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
  const high = Math.floor(counter / 2 ** 30); // 12 bits → rand_a
  const low = counter % 2 ** 30; // 30 bits → top of rand_b
  bytes[6] = 0x70 | (high >> 8);
  bytes[7] = high & 0xff;
  bytes[8] = 0x80 | (low >>> 24);
  bytes[9] = (low >>> 16) & 0xff;
  bytes[10] = (low >>> 8) & 0xff;
  bytes[11] = low & 0xff;
  bytes.set(tail.subarray(0, 4), 12);
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const defaultGenerator = new Uuidv7Generator();

/** A new UUIDv7 from the process-wide generator (monotonic within this process). */
export function uuidv7(): string {
  return defaultGenerator.next();
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** True for a UUIDv7 in its usual text form (a value that is not one names no row made here). */
export function isUuidv7(value: string): boolean {
  return UUID_V7.test(value);
}

/** The creation time a UUIDv7 carries. */
export function uuidv7Time(id: string): Date {
  if (!isUuidv7(id)) throw new TypeError(`"${id}" is not a UUIDv7.`);
  return new Date(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}
