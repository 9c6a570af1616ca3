import { TopologyError } from './topology.error.js';
import type { Rollover, ServiceDatabase, Shard, Sharding } from './topology.schema.js';

const DAY_MS = 86_400_000;
const YEAR = '{year}';

/**
 * The shards a service has at time `now`: the declared ones, plus, under `sharding.rollover`,
 * one shard per later year up to the year of `now + aheadDays`. The latest declared shard (the
 * open-ended one) then ends on January 1 of the first derived year, and the last derived shard
 * is open-ended. Declared shards win: derivation starts after the latest declared year.
 *
 * Everything that lists a service's shards (routing, migrations, provisioning, backups,
 * cutover plans) goes through here, so they all see the same layout at the same time.
 */
export function effectiveShards(sharding: Sharding, now: Date): Shard[] {
  const rollover = sharding.rollover;
  const open = rollover && sharding.strategy === 'range' ? openYearShard(sharding.shards) : undefined;
  if (!rollover || !open) return sharding.shards;
  const lastYear = lastRoutedYear(rollover, now);
  if (lastYear <= open.year) return sharding.shards;

  const closed = { ...open.shard, range: { from: open.shard.range!.from, to: yearStart(open.year + 1) } };
  const derived: Shard[] = [];
  for (let year = open.year + 1; year <= lastYear; year++) {
    const shard = rolloverShard(rollover, year, rollover.cluster ?? open.shard.cluster);
    if (year === lastYear) delete shard.range!.to;
    refuseClash(sharding.shards, shard);
    derived.push(shard);
  }
  return [...sharding.shards.map((shard) => (shard === open.shard ? closed : shard)), ...derived];
}

/** `sharding` with its shards replaced by the layout at `now` (the same block when nothing rolled over). */
export function withEffectiveShards(sharding: Sharding, now: Date): Sharding {
  const shards = effectiveShards(sharding, now);
  return shards === sharding.shards ? sharding : { ...sharding, shards };
}

/** A service's shards at `now`; none for a service without sharding. */
export function serviceShards(service: ServiceDatabase, now: Date = new Date()): Shard[] {
  return service.sharding ? effectiveShards(service.sharding, now) : [];
}

/**
 * The latest year whose keys are routed to their own shard at `now`: the UTC year of
 * `now + aheadDays`. Next year's shard is therefore routed to from `January 1 - aheadDays` on.
 *
 * Switching that early is safe because the maintenance step (`npm start`, `neo-db maintain`)
 * creates and migrates the database first, and before January 1 no row of next year exists unless
 * a client sent a future date: such rows sit in the open-ended shard, and the maintenance step
 * refuses to close that shard over them rather than leave them where routing no longer looks.
 */
export function lastRoutedYear(rollover: Pick<Rollover, 'aheadDays'>, now: Date): number {
  return new Date(now.getTime() + rollover.aheadDays * DAY_MS).getUTCFullYear();
}

/**
 * When the layout of `sharding` next changes by itself: the moment a later year's shard starts
 * being routed to (its January 1 minus `aheadDays`). Undefined without a rollover. A running
 * service switches its routing then, so instances agree without being restarted.
 */
export function nextRolloverAt(sharding: Sharding, now: Date): Date | undefined {
  const rollover = sharding.rollover;
  if (!rollover || sharding.strategy !== 'range' || !openYearShard(sharding.shards)) return undefined;
  const year = lastRoutedYear(rollover, now) + 1;
  return new Date(Date.UTC(year, 0, 1) - rollover.aheadDays * DAY_MS);
}

/** The shard of one year made from the pattern: `[year-01-01, (year+1)-01-01)`. */
export function rolloverShard(rollover: Pick<Rollover, 'name' | 'database'>, year: number, cluster?: string): Shard {
  return {
    name: rollover.name.replaceAll(YEAR, String(year)),
    database: rollover.database.replaceAll(YEAR, String(year)),
    ...(cluster !== undefined ? { cluster } : {}),
    range: { from: yearStart(year), to: yearStart(year + 1) },
  };
}

/**
 * The declared shard rollover extends: the open-ended one with the latest `from`, when that
 * `from` is a January 1 (UTC). Anything else is refused at load (see `checkRollover`).
 */
export function openYearShard(shards: readonly Shard[]): { shard: Shard; year: number } | undefined {
  const open = shards.filter((shard) => shard.range !== undefined && shard.range.to === undefined);
  if (open.length !== 1) return undefined;
  const shard = open[0]!;
  const year = januaryFirstYear(shard.range!.from);
  return year === undefined ? undefined : { shard, year };
}

/** The year of a bound that is exactly January 1, 00:00 UTC (`2026-01-01` or `2026-01-01T00:00:00Z`); else undefined. */
export function januaryFirstYear(bound: string | number): number | undefined {
  if (typeof bound !== 'string' || !/^\d{4}-01-01/.test(bound)) return undefined;
  const ms = Date.parse(bound);
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(ms);
  return date.getUTCMonth() === 0 && date.getUTCDate() === 1 && ms % DAY_MS === 0 ? date.getUTCFullYear() : undefined;
}

function yearStart(year: number): string {
  return `${String(year).padStart(4, '0')}-01-01`;
}

/** A derived shard may not take a declared shard's name or database: two years would share one. */
function refuseClash(declared: readonly Shard[], derived: Shard): void {
  const clash = declared.find((shard) => shard.name === derived.name || shard.database === derived.database);
  if (!clash) return;
  const what = clash.name === derived.name ? `name "${derived.name}"` : `database "${derived.database}"`;
  throw new TopologyError(
    'TOPOLOGY_INVALID',
    `The rollover shard of ${derived.range!.from.toString().slice(0, 4)} would take the ${what} of declared shard "${clash.name}" — ` +
      'declare that year\'s shard explicitly (with its own range) or change "rollover.name"/"rollover.database" so each year gets its own',
  );
}
