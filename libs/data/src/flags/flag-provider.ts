/**
 * Where the values a provider serves come from right now:
 * - `live`: the flag source answered at its last check (Unleash reachable, the file valid);
 * - `last-known`: the source is failing; the provider serves the last values it had from it
 *   (this process's or, for Unleash, the backup file of a previous run);
 * - `bootstrap`: the source has never answered; the provider serves its bootstrap values
 *   (or none: every flag off).
 */
export type FlagSource = 'live' | 'last-known' | 'bootstrap';

export interface FlagStatus {
  readonly provider: 'unleash' | 'file' | 'static';
  readonly source: FlagSource;
  /** True once the provider holds values (live, last known or bootstrapped). Until then every flag is off. */
  readonly ready: boolean;
  /** Why the source is failing, while it is. Never contains a token or password. */
  readonly lastError?: string;
  /** When the values served were last received or confirmed by their source. */
  readonly lastUpdatedAt?: Date;
}

/**
 * Who a flag is evaluated for. flexibleRollout strategies hash `userId` (stickiness `userId`,
 * or `default` which falls back to `sessionId`), exactly as Unleash does.
 */
export interface FlagContext {
  readonly userId?: string;
  readonly sessionId?: string;
  readonly tenant?: string;
}

export type FlagChangeListener = () => void;

/**
 * Feature flags as the data layer reads them. Evaluation is in memory and never waits on the
 * flag source: a provider never blocks start-up and never throws from `isEnabled`.
 */
export interface FlagProvider {
  /**
   * Whether the flag is on for this context (default: the current request context). An unknown
   * flag is off.
   */
  isEnabled(name: string, context?: FlagContext): boolean;
  /**
   * Whether the flag is on for every context, including calls that carry no user id: enabled,
   * and one of its strategies applies to everyone (a switch, or a 100 % rollout without
   * constraints). Used for switches that must not depend on who calls.
   */
  isEnabledForEveryone(name: string): boolean;
  /** Called after the flag values change. Returns a function that unsubscribes. */
  onChange(listener: FlagChangeListener): () => void;
  status(): FlagStatus;
  close(): Promise<void>;
}
