import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository's deploy/prometheus folder: rules and exporter queries, the same files production uses. */
export function prometheusDeployDir(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, 'deploy', 'prometheus');
    if (existsSync(join(dir, 'nx.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`deploy/prometheus not found above ${start}`);
  }
}

export const RULE_FILES = ['recording-rules.yaml', 'alert-rules.yaml'] as const;
export const EXPORTER_QUERIES_FILE = 'postgres-exporter-queries.yaml';

interface RuleGroupsFile {
  groups: Array<{ name: string; interval?: string; rules: Array<{ alert?: string; record?: string; for?: string; expr: string }> }>;
}

/** A rules file as parsed YAML. */
export function readRules(path: string): RuleGroupsFile {
  return parse(readFileSync(path, 'utf8')) as RuleGroupsFile;
}

/**
 * The rules with every alert's `for:` replaced: the rules production runs, made to fire within
 * a test's patience (the production durations are proven by promtool's rule tests instead).
 */
export function withAlertFor(rules: RuleGroupsFile, alertFor: string): RuleGroupsFile {
  return {
    groups: rules.groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) => (rule.alert ? { ...rule, for: alertFor } : rule)),
    })),
  };
}
