/**
 * A flag as Unleash's client API describes it (`GET /api/client/features`), restricted to what
 * the data layer uses: on/off and `flexibleRollout`. The file provider holds its flags in this
 * shape, so the same definitions can bootstrap an Unleash client unchanged.
 */
export interface FeatureDefinition {
  readonly name: string;
  readonly enabled: boolean;
  readonly strategies: readonly StrategyDefinition[];
}

export type StrategyDefinition = DefaultStrategy | FlexibleRolloutStrategy;

/** On for everyone (Unleash's legacy `default` strategy). */
export interface DefaultStrategy {
  readonly name: 'default';
  readonly parameters?: Readonly<Record<string, string>>;
}

/**
 * On for `rollout` percent of the contexts, chosen by hashing `groupId:<stickiness value>`
 * (Unleash's normalized murmurhash3, 1..100): a user is in when their value is <= rollout, so
 * raising the rollout only ever adds users.
 */
export interface FlexibleRolloutStrategy {
  readonly name: 'flexibleRollout';
  readonly parameters: {
    /** '0'..'100'; Unleash sends it as a string. */
    readonly rollout: string;
    /** `userId`, `sessionId`, `default` (userId, else sessionId, else random) or `random`. */
    readonly stickiness: string;
    /** Defaults to the flag name: then two flags with the same rollout pick the same users. */
    readonly groupId: string;
  };
}
