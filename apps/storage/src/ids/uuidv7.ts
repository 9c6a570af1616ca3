import { randomBytes } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): a 48-bit Unix-millisecond timestamp, then random bits. Ids are
 * made in the application, not the database, so a row keeps its id when it moves
 * between shards or between the monolith and the service database.
 *
 * Hand-written because no UUIDv7 package is a dependency and `crypto.randomUUIDv7`
 * exists only in the newest Node releases. Within one process ids strictly increase
 * (RFC 9562 §6.2 method 1: the 12-bit `rand_a` field is a counter seeded randomly
 * each millisecond; when it overflows, the timestamp moves one millisecond ahead).
 */
export class UuidV7Generator {
  private lastMs = -1;
  private counter = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  next(): string {
    let ms = this.clock();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      // Seeded below half the range so a burst within one millisecond has room to count.
      this.counter = randomBytes(2).readUInt16BE(0) & 0x7ff;
    } else {
      ms = this.lastMs;
      this.counter += 1;
      if (this.counter > 0xfff) {
        this.lastMs = ms = this.lastMs + 1;
        this.counter = 0;
      }
    }
    return formatUuidV7(ms, this.counter, randomBytes(8));
  }
}

function formatUuidV7(ms: number, counter: number, random: Buffer): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes.writeUInt16BE(0x7000 | counter, 6);
  random.copy(bytes, 8);
  bytes.writeUInt8(0x80 | (bytes.readUInt8(8) & 0x3f), 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuidV7(value: string): boolean {
  return UUID_V7.test(value);
}

/** The instant a UUIDv7 was made, to the millisecond. */
export function uuidV7Time(id: string): Date {
  if (!isUuidV7(id)) throw new TypeError(`not a UUIDv7: ${JSON.stringify(id)}`);
  return new Date(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16));
}
