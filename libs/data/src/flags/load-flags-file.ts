import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { FeatureDefinition, StrategyDefinition } from './feature-definition.js';
import { FlagsError } from './flags.error.js';
import { flagsFileSchema, type FlagEntry } from './flags-file.schema.js';

/** The flags file a service uses by default: `$NEO_FLAGS_FILE`, else config/flags.yaml. */
export const DEFAULT_FLAGS_FILE = 'config/flags.yaml';

export function flagsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env['NEO_FLAGS_FILE'] || DEFAULT_FLAGS_FILE;
}

/** Reads and checks a flags file (YAML; JSON is YAML too). Throws `FlagsError` naming every problem. */
export async function loadFlagsFile(path: string): Promise<FeatureDefinition[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw flagsFileUnreadable(path, error);
  }
  return parseFlagsText(text, path);
}

export function flagsFileUnreadable(path: string, error: unknown): FlagsError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new FlagsError(
    'FLAGS_FILE_UNREADABLE',
    `The flags file ${path} cannot be read (${code}): create it or set NEO_FLAGS_FILE to an existing file.`,
    { cause: error },
  );
}

/** Parses the text of a flags file; `origin` names it in errors. */
export function parseFlagsText(text: string, origin: string): FeatureDefinition[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new FlagsError('FLAGS_FILE_INVALID', `The flags file ${origin} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
      problems: [(error as Error).message],
    });
  }
  const parsed = flagsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => describeIssue(issue, []));
    throw new FlagsError(
      'FLAGS_FILE_INVALID',
      `The flags file ${origin} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}\nThe format is described at the top of config/flags.yaml.`,
      { problems },
    );
  }
  return Object.entries(parsed.data.flags).map(([name, entry]) => toFeature(name, entry));
}

function toFeature(name: string, entry: FlagEntry): FeatureDefinition {
  if (typeof entry === 'boolean') return { name, enabled: entry, strategies: [{ name: 'default' }] };
  const strategies: StrategyDefinition[] = entry.strategies
    ? entry.strategies.map((strategy) =>
        strategy.name === 'default'
          ? { name: 'default' }
          : {
              name: 'flexibleRollout',
              parameters: {
                rollout: String(strategy.parameters.rollout),
                stickiness: strategy.parameters.stickiness,
                groupId: strategy.parameters.groupId ?? name,
              },
            },
      )
    : entry.rollout !== undefined
      ? [
          {
            name: 'flexibleRollout',
            parameters: { rollout: String(entry.rollout), stickiness: entry.stickiness ?? 'userId', groupId: entry.groupId ?? name },
          },
        ]
      : [{ name: 'default' }];
  return { name, enabled: entry.enabled, strategies };
}

/**
 * One line per problem, `path: what is wrong`. A flag that is an object but a wrong one gets the
 * object's own problems (zod reports a failed "boolean or object" as one union issue).
 */
function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): string[] {
  const at = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const closest = issue.errors.find((branch) => !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
    if (closest) return closest.flatMap((inner) => describeIssue(inner, at));
  }
  const path = formatPath(at);
  if (issue.code === 'unrecognized_keys') return [`${path ? `${path}: ` : ''}unknown field(s) ${issue.keys.join(', ')}`];
  if (issue.code === 'invalid_key') return [`${path}: is not a valid flag name: ${issue.issues[0]?.message ?? 'invalid'}`];
  return [`${path || '(top level)'}: ${issue.message}`];
}

/** Flag names contain dots, so they are quoted: flags["UseShardedDatabase.storage.reads"].rollout */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number'
        ? `[${part}]`
        : /^[A-Za-z_]\w*$/.test(String(part))
          ? `${index === 0 ? '' : '.'}${String(part)}`
          : `[${JSON.stringify(String(part))}]`,
    )
    .join('');
}
