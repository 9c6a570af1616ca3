import type { ReplicaPolicy } from '@neo/topology';
import type { ReplicaCandidate, ReplicaPicker } from './replica-picker.js';

/** Each usable replica in turn. The default policy: even load, no randomness to reason about. */
export class RoundRobinPicker implements ReplicaPicker {
  private next = 0;

  pick<C extends ReplicaCandidate>(candidates: readonly [C, ...C[]]): C {
    const chosen = candidates[this.next % candidates.length]!;
    this.next = (this.next + 1) % 1_000_000_007;
    return chosen;
  }
}

/** A uniformly random usable replica (what `@prisma/extension-read-replicas` does). */
export class RandomPicker implements ReplicaPicker {
  constructor(private readonly random: () => number = Math.random) {}

  pick<C extends ReplicaCandidate>(candidates: readonly [C, ...C[]]): C {
    return candidates[Math.floor(this.random() * candidates.length)]!;
  }
}

/**
 * Replicas in proportion to their `weight`, using nginx's smooth weighted round-robin: exact
 * shares over every cycle of total-weight picks, interleaved rather than in bursts, and no
 * randomness, so a replica with weight 3 next to one with weight 1 gets exactly 75 %.
 */
export class WeightedPicker implements ReplicaPicker {
  private readonly current = new Map<string, number>();

  pick<C extends ReplicaCandidate>(candidates: readonly [C, ...C[]]): C {
    let total = 0;
    let best = candidates[0];
    let bestScore = -Infinity;
    for (const candidate of candidates) {
      const score = (this.current.get(candidate.label) ?? 0) + candidate.weight;
      this.current.set(candidate.label, score);
      total += candidate.weight;
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    this.current.set(best.label, bestScore - total);
    return best;
  }
}

/**
 * The replica with the fewest reads in flight; ties go round-robin so an idle set still spreads
 * its load. Suits replicas of unequal speed or a slow query pinning one node.
 */
export class LeastOutstandingPicker implements ReplicaPicker {
  private readonly tieBreaker = new RoundRobinPicker();

  pick<C extends ReplicaCandidate>(candidates: readonly [C, ...C[]]): C {
    let fewest = Infinity;
    for (const candidate of candidates) fewest = Math.min(fewest, candidate.outstanding);
    const tied = candidates.filter((candidate) => candidate.outstanding === fewest) as unknown as [C, ...C[]];
    return this.tieBreaker.pick(tied);
  }
}

/** The picker for a topology `reads.policy`. */
export function createReplicaPicker(policy: ReplicaPolicy): ReplicaPicker {
  switch (policy) {
    case 'round-robin':
      return new RoundRobinPicker();
    case 'random':
      return new RandomPicker();
    case 'weighted':
      return new WeightedPicker();
    case 'least-outstanding':
      return new LeastOutstandingPicker();
  }
}
