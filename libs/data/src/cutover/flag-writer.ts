import type { Side } from '../selection/side.js';
import type { SideFlagNames } from '../selection/side-flag-names.js';

/** Which side serves a service's writes. */
export type WriteSide = Side;

/** The cutover's two flags of one service, as read back from the flag source. */
export interface CutoverFlagValues {
  /** Share of users (sticky by user id) whose reads go to the service's own databases. */
  readPercent: number;
  /** Where writes go: the switch is on for everyone → the service's databases. */
  writeSide: WriteSide;
}

/** The flag names of one service: the selection's `UseShardedDatabase.<service>.reads|writes`. */
export type CutoverFlagNames = SideFlagNames;

/**
 * What the cutover commands need from a flag source: set the read percentage, flip the write
 * switch, read both back. Implemented for the flags file and for Unleash's admin API.
 */
export interface FlagWriter {
  read(service: string): Promise<CutoverFlagValues>;
  setReadPercent(service: string, percent: number): Promise<void>;
  setWriteSide(service: string, side: WriteSide): Promise<void>;
  /** Where the flags live, for messages (never a token). */
  describe(): string;
}
