import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpolateEnv } from './interpolate-env.js';

describe('interpolateEnv', () => {
  it('replaces ${VAR} and ${VAR:-default} in every string value, nested in maps and lists', () => {
    const { value, problems } = interpolateEnv(
      { a: { b: ['x-${A}-y', '${B:-fallback}', '${A:-unused}'] }, n: 3, ['${A}']: 'keys stay' },
      { A: 'one' },
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({ a: { b: ['x-one-y', 'fallback', 'one'] }, n: 3, ['${A}']: 'keys stay' });
  });

  it('uses the default for an empty variable, as a shell does with :-', () => {
    expect(interpolateEnv('${A:-d}', { A: '' }).value).toBe('d');
    expect(interpolateEnv('${A:-}', {}).value).toBe('');
  });

  it('keeps $${ as a literal ${', () => {
    expect(interpolateEnv('cost: $${PRICE}', {}).value).toBe('cost: ${PRICE}');
  });

  it('reports each missing variable with its field path', () => {
    const { problems } = interpolateEnv({ clusters: { core: { replicas: [{ host: '${R1_HOST}' }, { host: '${R2_HOST}' }] } } }, {});
    expect(problems.map((p) => [p.path, p.problem])).toEqual([
      ['clusters.core.replicas[0].host', 'environment variable R1_HOST is not set'],
      ['clusters.core.replicas[1].host', 'environment variable R2_HOST is not set'],
    ]);
  });

  it('reports malformed and unclosed references without echoing a default', () => {
    const { problems } = interpolateEnv({ a: '${1BAD:-s3cret}', b: 'x ${OPEN' }, {});
    expect(problems.map((p) => [p.path, p.problem])).toEqual([
      ['a', 'has a malformed "${…}" reference'],
      ['b', 'has a "${" that is never closed'],
    ]);
    expect(JSON.stringify(problems)).not.toContain('s3cret');
  });

  it('makes a number of an interpolated value only at numeric fields', () => {
    const { value } = interpolateEnv({ port: '${P}', password: '${P}', name: '${P}' }, { P: '6432' });
    expect(value).toEqual({ port: 6432, password: '6432', name: '6432' });
  });

  it('collects the values of secret-looking variables', () => {
    const { secrets } = interpolateEnv(
      { a: '${CORE_DB_PASSWORD}', b: '${HOST}', c: '${API_TOKEN:-tok}' },
      { CORE_DB_PASSWORD: 'pw1', HOST: 'h' },
    );
    expect([...secrets].sort()).toEqual(['pw1', 'tok']);
  });

  it('reads VAR from the file VAR_FILE names when VAR is unset, and keeps the value secret', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'neo-secret-'));
    try {
      const file = path.join(dir, 'password');
      writeFileSync(file, 's3cret from file\n');
      const result = interpolateEnv({ password: '${APP_DB_PASSWORD:-fallback}' }, { APP_DB_PASSWORD_FILE: file });
      expect(result.value).toEqual({ password: 's3cret from file' });
      expect(result.secrets.has('s3cret from file')).toBe(true);
      // The variable itself wins over its file.
      expect(interpolateEnv('${APP_DB_PASSWORD}', { APP_DB_PASSWORD: 'direct', APP_DB_PASSWORD_FILE: file }).value).toBe('direct');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the variable, not the content, when its secret file cannot be read', () => {
    const { problems } = interpolateEnv({ password: '${APP_DB_PASSWORD}' }, { APP_DB_PASSWORD_FILE: '/nonexistent/neo/secret' });
    expect(problems).toEqual([
      {
        path: 'password',
        problem: 'the secret file named by APP_DB_PASSWORD_FILE cannot be read (ENOENT)',
        hint: 'point APP_DB_PASSWORD_FILE at a readable file holding the value, or set APP_DB_PASSWORD instead',
      },
    ]);
  });
});
