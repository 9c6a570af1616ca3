import type { z } from 'zod';
import { allowedKeys, guideAt, type FieldGuide } from './field-guide.js';
import { formatPath } from './field-path.js';
import type { TopologyProblem } from './topology.error.js';

type Issue = z.core.$ZodIssue;

export interface DescribeOptions {
  /** The data that was validated, to tell a missing field from a wrong one. */
  data: unknown;
  /** The schema that was used, to list the fields allowed where an unknown one appears. */
  schema: z.ZodType;
  /** Prepended to every issue path (when a part of the file was validated on its own). */
  pathPrefix?: PropertyKey[];
  /** Extra fields allowed at some paths (formatted), for the list shown with an unknown field. */
  extraKeys?: (path: string) => string[];
}

/**
 * Turns zod issues into topology problems: the path, what the field expects (never the
 * value found, which may be a secret), and a hint, both from the guide the schema declares
 * for that field (see `guided`).
 */
export function describeIssues(issues: readonly Issue[], options: DescribeOptions): TopologyProblem[] {
  const prefix = options.pathPrefix ?? [];
  return issues.flatMap((issue) => {
    const local = issue.path;
    const path = [...prefix, ...local];
    if (issue.code === 'unrecognized_keys') {
      const allowed = [...allowedKeys(options.schema, local), ...(options.extraKeys?.(formatPath(path)) ?? [])];
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        problem: 'is not a known field',
        hint: allowed.length > 0 ? `check the spelling; the fields allowed here are: ${allowed.join(', ')}` : 'remove it',
      }));
    }
    const value = valueAt(options.data, local);
    return [{ path: formatPath(path), ...describeOne(issue, value, guideAt(options.schema, local)) }];
  });
}

function describeOne(issue: Issue, value: unknown, guide: FieldGuide | undefined): Omit<TopologyProblem, 'path'> {
  const hint = guide?.hint ?? 'see config/README.md';
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return { problem: guide ? `is required: ${guide.expects}` : 'is required', hint: guide ? `add it; ${hint}` : 'add it' };
  }
  switch (issue.code) {
    case 'invalid_key': {
      const inner = issue.issues[0];
      return { problem: `is not a valid name: ${inner?.message ?? 'invalid'}`, hint: 'rename it' };
    }
    case 'invalid_type':
      return { problem: `expected ${guide?.expects ?? article(issue.expected)}, got ${kindOf(value)}`, hint };
    case 'invalid_value': {
      const accepted = issue.values.map((v) => String(v)).join(', ');
      return { problem: issue.values.length === 1 ? `expected ${accepted}` : `expected one of ${accepted}`, hint };
    }
    case 'too_small':
    case 'too_big':
      return { problem: guide ? `expected ${guide.expects}` : sizeProblem(issue), hint };
    case 'invalid_format':
      // Our regex checks carry their own readable message.
      return { problem: guide ? `expected ${guide.expects}` : issue.message, hint };
    case 'custom':
      return { problem: issue.message, hint };
    default:
      return { problem: guide ? `expected ${guide.expects}` : 'is not valid here', hint };
  }
}

function sizeProblem(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const word = issue.code === 'too_small' ? 'at least' : 'at most';
  if (issue.origin === 'array') return `must have ${word} ${bound} entries`;
  if (issue.origin === 'string')
    return issue.code === 'too_small' && bound === 1 ? 'must not be empty' : `must have ${word} ${bound} characters`;
  return `must be ${word} ${bound}`;
}

function article(expected: string): string {
  if (expected === 'int') return 'a whole number';
  if (expected === 'object' || expected === 'record') return 'a block of fields';
  if (expected === 'array') return 'a list';
  if (expected === 'string') return 'text';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** The kind of a value, never the value itself. */
export function kindOf(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  if (typeof value === 'boolean') return 'true/false';
  if (typeof value === 'object') return 'a block of fields';
  return typeof value;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
