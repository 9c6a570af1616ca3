import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlagsError } from './flags.error.js';
import { loadFlagsFile, parseFlagsText } from './load-flags-file.js';

const repoFlagsFile = path.resolve(import.meta.dirname, '../../../../config/flags.yaml');

function problemsOf(text: string): readonly string[] {
  try {
    parseFlagsText(text, 'flags.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(FlagsError);
    expect((error as FlagsError).code).toBe('FLAGS_FILE_INVALID');
    return (error as FlagsError).problems;
  }
  throw new Error('expected the text to be refused');
}

describe('parseFlagsText', () => {
  it('turns each short form into the Unleash feature shape', () => {
    const features = parseFlagsText(
      [
        'version: 1',
        'flags:',
        '  on.switch: true',
        '  off.switch: false',
        '  some.users: { rollout: 25 }',
        '  kept.off: { enabled: false, rollout: 50, stickiness: sessionId, groupId: shared }',
        '  listed:',
        '    strategies:',
        '      - { name: flexibleRollout, parameters: { rollout: "40" } }',
        '      - { name: default }',
      ].join('\n'),
      'flags.yaml',
    );
    expect(features).toEqual([
      { name: 'on.switch', enabled: true, strategies: [{ name: 'default' }] },
      { name: 'off.switch', enabled: false, strategies: [{ name: 'default' }] },
      {
        name: 'some.users',
        enabled: true,
        strategies: [{ name: 'flexibleRollout', parameters: { rollout: '25', stickiness: 'userId', groupId: 'some.users' } }],
      },
      {
        name: 'kept.off',
        enabled: false,
        strategies: [{ name: 'flexibleRollout', parameters: { rollout: '50', stickiness: 'sessionId', groupId: 'shared' } }],
      },
      {
        name: 'listed',
        enabled: true,
        strategies: [
          { name: 'flexibleRollout', parameters: { rollout: '40', stickiness: 'default', groupId: 'listed' } },
          { name: 'default' },
        ],
      },
    ]);
  });

  it('accepts a file without flags (everything off)', () => {
    expect(parseFlagsText('version: 1\n', 'flags.yaml')).toEqual([]);
  });

  it('names every problem with its path', () => {
    const problems = problemsOf(
      [
        'version: 2',
        'flags:',
        '  UseShardedDatabase.storage.reads: { rollout: 140 }',
        '  "bad name!": true',
        '  odd.strategy: { strategies: [ { name: gradualRolloutRandom } ] }',
        '  both: { rollout: 5, strategies: [] }',
        '  typo: { rolout: 5 }',
        '  text: "yes"',
      ].join('\n'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^version: expected version: 1/),
        expect.stringMatching(/^flags\["UseShardedDatabase\.storage\.reads"\]\.rollout: expected 0\.\.100/),
        expect.stringMatching(/^flags\["bad name!"\]: is not a valid flag name: use letters/),
        expect.stringMatching(/^flags\["odd\.strategy"\].strategies\[0\]\.name: expected a strategy named "default" or "flexibleRollout"/),
        expect.stringMatching(/^flags\.both: give either "rollout"/),
        expect.stringMatching(/^flags\.typo: unknown field\(s\) rolout/),
        expect.stringMatching(/^flags\.text: expected true, false or a flag object/),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('refuses text that is not YAML, saying where', () => {
    expect(() => parseFlagsText('version: 1\nflags: { a: true', 'flags.yaml')).toThrow(/flags\.yaml is not valid YAML/);
  });
});

describe('loadFlagsFile', () => {
  it('loads the repository default: every service on the monolith', async () => {
    const features = await loadFlagsFile(repoFlagsFile);
    const names = features.map((feature) => feature.name);
    expect(names).toContain('UseShardedDatabase.storage.reads');
    expect(names).toContain('UseShardedDatabase.smartcontracts.writes');
    for (const feature of features) {
      if (feature.name.endsWith('.writes')) expect(feature.enabled).toBe(false);
      else
        expect(feature.strategies).toEqual([
          { name: 'flexibleRollout', parameters: { rollout: '0', stickiness: 'userId', groupId: feature.name } },
        ]);
    }
  });

  it('says which file is missing and how to fix it', async () => {
    await expect(loadFlagsFile('/nonexistent/flags.yaml')).rejects.toMatchObject({
      code: 'FLAGS_FILE_UNREADABLE',
      message: expect.stringMatching(/\/nonexistent\/flags\.yaml cannot be read \(ENOENT\).*NEO_FLAGS_FILE/),
    });
  });
});
