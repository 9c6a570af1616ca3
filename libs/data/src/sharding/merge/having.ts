import { isPlainObject } from '../shard-key-extraction.js';
import { aggregateValue, type AggregateState } from './aggregate-parts.js';
import type { StringComparator } from './compare-values.js';
import { matchesScalarFilter } from './scalar-filter.js';

const AGGREGATES = new Set(['_count', '_sum', '_avg', '_min', '_max']);

/** A merged group: its `by` values and the aggregate state of its rows. */
export interface MergedGroup {
  values: Record<string, unknown>;
  state: AggregateState;
}

/**
 * Whether a merged group passes a groupBy `having`: `{ AND, OR, NOT, field: filter }`,
 * where a field's filter may hold aggregate filters (`{ _sum: { gt: 10 } }`) and plain
 * filters on the group's own value.
 */
export function groupPassesHaving(group: MergedGroup, having: unknown, compareStrings: StringComparator): boolean {
  if (!isPlainObject(having)) return true;
  return Object.entries(having).every(([key, condition]) => {
    if (condition === undefined) return true;
    if (key === 'AND') return asList(condition).every((part) => groupPassesHaving(group, part, compareStrings));
    if (key === 'OR') return Array.isArray(condition) && condition.some((part) => groupPassesHaving(group, part, compareStrings));
    if (key === 'NOT') return asList(condition).every((part) => !groupPassesHaving(group, part, compareStrings));
    if (!isPlainObject(condition)) return matchesScalarFilter(group.values[key], condition, compareStrings);
    const plain: Record<string, unknown> = {};
    for (const [operator, operand] of Object.entries(condition)) {
      if (AGGREGATES.has(operator)) {
        if (!matchesScalarFilter(aggregateValue(group.state, operator, key), operand, compareStrings)) return false;
      } else {
        plain[operator] = operand;
      }
    }
    return Object.keys(plain).length === 0 || matchesScalarFilter(group.values[key], plain, compareStrings);
  });
}

/** The aggregates a `having` reads, so each shard can be asked for them. */
export function aggregatesUsedByHaving(having: unknown): Record<'count' | 'sum' | 'avg' | 'min' | 'max', string[]> {
  const used = { count: [] as string[], sum: [] as string[], avg: [] as string[], min: [] as string[], max: [] as string[] };
  const visit = (node: unknown) => {
    if (!isPlainObject(node)) return;
    for (const [key, condition] of Object.entries(node)) {
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        asList(condition).forEach(visit);
      } else if (isPlainObject(condition)) {
        for (const operator of Object.keys(condition)) {
          if (AGGREGATES.has(operator)) used[operator.slice(1) as keyof typeof used].push(key);
        }
      }
    }
  };
  visit(having);
  return used;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
