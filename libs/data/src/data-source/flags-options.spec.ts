import { describe, expect, it } from 'vitest';
import { FlagsError } from '../flags/flags.error.js';
import { flagsOptionsFromEnv } from './flags-options.js';

describe('flagsOptionsFromEnv', () => {
  it('is off when nothing is set, so a service without flags uses its own database', () => {
    expect(flagsOptionsFromEnv({})).toBe(false);
    expect(flagsOptionsFromEnv({ NEO_FLAGS: 'off' })).toBe(false);
  });

  it('reads the file provider from NEO_FLAGS=file or from NEO_FLAGS_FILE alone', () => {
    expect(flagsOptionsFromEnv({ NEO_FLAGS: 'file' })).toEqual({ provider: 'file' });
    expect(flagsOptionsFromEnv({ NEO_FLAGS: 'FILE', NEO_FLAGS_FILE: '/etc/neo/flags.yaml' })).toEqual({
      provider: 'file',
      path: '/etc/neo/flags.yaml',
    });
    expect(flagsOptionsFromEnv({ NEO_FLAGS_FILE: '/etc/neo/flags.yaml' })).toEqual({ provider: 'file', path: '/etc/neo/flags.yaml' });
  });

  it('reads Unleash with its URL, token and backup directory', () => {
    expect(
      flagsOptionsFromEnv({
        NEO_FLAGS: 'unleash',
        NEO_UNLEASH_URL: 'http://u:4242/api',
        NEO_UNLEASH_TOKEN: 'default:development.x',
        NEO_FLAGS_BACKUP_DIR: '/var/neo',
      }),
    ).toEqual({
      provider: 'unleash',
      url: 'http://u:4242/api',
      clientToken: 'default:development.x',
      backupDir: '/var/neo',
    });
  });

  it('refuses Unleash without a token, naming the variable and never the values', () => {
    const attempt = () => flagsOptionsFromEnv({ NEO_FLAGS: 'unleash', NEO_UNLEASH_URL: 'http://u:4242/api' });
    expect(attempt).toThrow(FlagsError);
    expect(attempt).toThrow(/NEO_UNLEASH_TOKEN is not set/);
  });

  it('refuses an unknown provider', () => {
    expect(() => flagsOptionsFromEnv({ NEO_FLAGS: 'launchdarkly' })).toThrow(/must be one of off, file, unleash \(got "launchdarkly"\)/);
  });
});
