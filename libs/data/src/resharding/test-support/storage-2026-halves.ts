import type { Topology } from '@neo/topology';

/**
 * Declares, as storage's `sharding.next`, its yearly date shards re-cut with 2026 split at July 1,
 * every shard a new database on the same cluster (the rows move by the range strategy's date predicates).
 */
export function declareStorage2026Halves(declared: Topology): void {
  declared.services['storage']!.sharding!.next = {
    keepOldLayoutDays: 7,
    shards: [
      { name: 'objects_2024', database: 'neo_objects_2024', range: { from: '2024-01-01', to: '2025-01-01' } },
      { name: 'objects_2025', database: 'neo_objects_2025', range: { from: '2025-01-01', to: '2026-01-01' } },
      { name: 'objects_2026_h1', database: 'neo_objects_2026_h1', range: { from: '2026-01-01', to: '2026-07-01' } },
      { name: 'objects_2026_h2', database: 'neo_objects_2026_h2', range: { from: '2026-07-01' } },
    ],
  };
}
