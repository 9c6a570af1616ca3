import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localServiceSecrets } from './local-secrets.js';
import { workspacePaths } from './workspace-paths.js';

describe('localServiceSecrets', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function paths() {
    const dir = mkdtempSync(join(tmpdir(), 'neo-secrets-'));
    dirs.push(dir);
    return workspacePaths(dir, { NEO_DATA_DIR: join(dir, '.neo', 'data') });
  }

  it('makes each master key once, keeps it private, and gives the same one on the next start', () => {
    const local = paths();
    const first = localServiceSecrets(local, {});
    expect(Buffer.from(first['NEO_KEYMANAGEMENT_MASTER_KEY']!, 'base64')).toHaveLength(32);
    expect(Buffer.from(first['NEO_SECURITY_MASTER_KEY']!, 'base64')).toHaveLength(32);
    expect(first['NEO_SECURITY_MASTER_KEY']).not.toBe(first['NEO_KEYMANAGEMENT_MASTER_KEY']);
    expect(localServiceSecrets(local, {})).toEqual(first);
    expect(statSync(join(local.root, '.neo', 'keymanagement-master-key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(local.root, '.neo', 'security-master-key')).mode & 0o777).toBe(0o600);
  });

  it('takes the one the environment gives, writing nothing', () => {
    const local = paths();
    const given = { NEO_KEYMANAGEMENT_MASTER_KEY: 'given', NEO_SECURITY_MASTER_KEY: 'given too' };
    expect(localServiceSecrets(local, given)).toEqual(given);
    expect(() => statSync(join(local.root, '.neo', 'keymanagement-master-key'))).toThrow();
    expect(() => statSync(join(local.root, '.neo', 'security-master-key'))).toThrow();
  });
});
