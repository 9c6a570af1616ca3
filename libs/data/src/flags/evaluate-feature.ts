import type { FeatureDefinition, StrategyDefinition } from './feature-definition.js';
import type { FlagContext } from './flag-provider.js';
import { rolloutBucket } from './unleash-hashing.js';

/**
 * Evaluates a flag the way unleash-client 6 does for the strategies we support: off when
 * missing or disabled, on when enabled without strategies, else on when any strategy is.
 */
export function evaluateFeature(feature: FeatureDefinition | undefined, context: FlagContext | undefined): boolean {
  if (!feature?.enabled) return false;
  if (feature.strategies.length === 0) return true;
  return feature.strategies.some((strategy) => strategyApplies(strategy, feature.name, context));
}

/** Whether the flag is on whoever asks: enabled, and a strategy that lets everyone in. */
export function isFeatureOnForEveryone(feature: FeatureDefinition | undefined): boolean {
  if (!feature?.enabled) return false;
  if (feature.strategies.length === 0) return true;
  return feature.strategies.some((strategy) => strategy.name === 'default' || Number(strategy.parameters.rollout) >= 100);
}

function strategyApplies(strategy: StrategyDefinition, flagName: string, context: FlagContext | undefined): boolean {
  if (strategy.name === 'default') return true;
  const { rollout, stickiness, groupId } = strategy.parameters;
  const percentage = Number(rollout);
  const id = stickinessValue(stickiness, context);
  // Same order as unleash-client: no value for the stickiness means "not in", even at 100 %.
  if (!id) return false;
  return percentage > 0 && rolloutBucket(id, groupId || flagName) <= percentage;
}

function stickinessValue(stickiness: string, context: FlagContext | undefined): string | undefined {
  switch (stickiness) {
    case 'default':
      return context?.userId || context?.sessionId || randomStickiness();
    case 'random':
      return randomStickiness();
    case 'userId':
      return context?.userId;
    case 'sessionId':
      return context?.sessionId;
    default:
      return undefined;
  }
}

/** Unleash's random stickiness: a number 1..10001 as text. */
function randomStickiness(): string {
  return `${Math.round(Math.random() * 10_000) + 1}`;
}
