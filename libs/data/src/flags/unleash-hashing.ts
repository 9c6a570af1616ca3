// Unleash's own normalization (murmurhash3 x86 32-bit of `groupId:id`, mod 100, + 1), imported
// from unleash-client's module rather than re-implemented: a user keeps their side when a
// service switches between the file provider and Unleash. unleash-client has no `exports` map,
// so the module path is stable API surface in practice; a spec checks it against the client.
import { normalizedStrategyValue } from 'unleash-client/lib/strategy/util.js';

/** 1..100: where `id` falls in the rollout of `groupId`. */
export function rolloutBucket(id: string, groupId: string): number {
  return normalizedStrategyValue(id, groupId);
}
