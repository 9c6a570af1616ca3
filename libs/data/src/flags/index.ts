// Feature flags: one provider interface, served by Unleash, by a local file, or (in tests) by values given in code.
export type { FlagProvider, FlagContext, FlagSource, FlagStatus, FlagChangeListener } from './flag-provider.js';
export type { FeatureDefinition, StrategyDefinition, DefaultStrategy, FlexibleRolloutStrategy } from './feature-definition.js';
export { FlagsError, type FlagsErrorCode } from './flags.error.js';
export { loadFlagsFile, parseFlagsText, flagsFilePath, DEFAULT_FLAGS_FILE } from './load-flags-file.js';
export { FileFlagProvider, type FileFlagProviderOptions } from './file.flag-provider.js';
export { UnleashFlagProvider, type UnleashFlagProviderOptions } from './unleash.flag-provider.js';
export { StaticFlagProvider, switchFlag, rolloutFlag } from './static.flag-provider.js';
// The flag names a service is placed by (`UseShardedDatabase.<service>.reads|writes`).
export { useShardedDatabaseFlags, SIDE_FLAG_PREFIX, type SideFlagNames } from '../selection/side-flag-names.js';
