import { currentRequestContext } from '../context/request-context.js';
import { evaluateFeature, isFeatureOnForEveryone } from './evaluate-feature.js';
import type { FeatureDefinition } from './feature-definition.js';
import type { FlagChangeListener, FlagContext, FlagProvider, FlagStatus } from './flag-provider.js';
import { ProviderState } from './provider-state.js';

/**
 * Flags held in memory and replaced by `set`: for tests and tools that decide flags in code.
 * Evaluates exactly like the file provider.
 */
export class StaticFlagProvider implements FlagProvider {
  private features = new Map<string, FeatureDefinition>();
  private readonly state = new ProviderState('static', undefined);

  constructor(definitions: readonly FeatureDefinition[] = []) {
    this.set(definitions);
  }

  /** Replaces every flag and tells the listeners. */
  set(definitions: readonly FeatureDefinition[]): void {
    this.features = new Map(definitions.map((feature) => [feature.name, feature]));
    this.state.live();
    this.state.notifyChanged();
  }

  isEnabled(name: string, context: FlagContext | undefined = currentRequestContext()): boolean {
    return evaluateFeature(this.features.get(name), context);
  }

  isEnabledForEveryone(name: string): boolean {
    return isFeatureOnForEveryone(this.features.get(name));
  }

  onChange(listener: FlagChangeListener): () => void {
    return this.state.subscribe(listener);
  }

  status(): FlagStatus {
    return this.state.status;
  }

  async close(): Promise<void> {
    this.state.clearListeners();
  }
}

/** A switch: on (or off) for everyone. */
export function switchFlag(name: string, enabled: boolean): FeatureDefinition {
  return { name, enabled, strategies: [{ name: 'default' }] };
}

/** A flexibleRollout of `percent` % sticky by user id, grouped by the flag name (as Unleash creates it). */
export function rolloutFlag(name: string, percent: number): FeatureDefinition {
  return {
    name,
    enabled: true,
    strategies: [{ name: 'flexibleRollout', parameters: { rollout: String(percent), stickiness: 'userId', groupId: name } }],
  };
}
