import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prometheusDeployDir, readRules, RULE_FILES, withAlertFor } from './deploy-files.js';
import { OBSERVE_BINARIES } from './observe-binaries.js';

const deployDir = prometheusDeployDir();

describe('the rules of deploy/prometheus', () => {
  it('pass promtool check and its unit tests (each alert fires after its `for:`, not before)', () => {
    const run = (args: string[]) => execFileSync(OBSERVE_BINARIES.promtool, args, { cwd: deployDir, encoding: 'utf8', stdio: 'pipe' });
    expect(run(['check', 'rules', ...RULE_FILES])).toContain('SUCCESS');
    expect(run(['test', 'rules', 'alert-rules.test.yaml'])).toContain('SUCCESS');
  });

  it('cover the seed success metrics: read p95, replica lag, connection reuse, primary down', () => {
    const alerts = readRules(join(deployDir, 'alert-rules.yaml')).groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(alerts).toEqual(['NeoReadLatencyP95High', 'NeoReplicaLagHigh', 'NeoConnectionReuseLow', 'NeoPrimaryDown']);
  });

  it("a test variant replaces only the alerts' `for:`", () => {
    const rules = {
      groups: [
        {
          name: 'g',
          rules: [
            { alert: 'A', expr: 'up == 0', for: '5m' },
            { record: 'r', expr: 'up' },
          ],
        },
      ],
    };
    expect(withAlertFor(rules, '0s').groups[0]!.rules).toEqual([
      { alert: 'A', expr: 'up == 0', for: '0s' },
      { record: 'r', expr: 'up' },
    ]);
  });
});
