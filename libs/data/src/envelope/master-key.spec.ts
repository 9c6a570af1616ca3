import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MasterKey, MasterKeyConfigError } from './master-key.js';

const SPEC = { variable: 'NEO_TEST_MASTER_KEY', label: 'neo-test-master-key' };
const MASTER_KEY_ENV = SPEC.variable;

describe('MasterKey', () => {
  const text = randomBytes(32).toString('base64');

  it('wraps and unwraps a data key bound to its context', () => {
    const master = MasterKey.fromEnv(SPEC, { [MASTER_KEY_ENV]: text });
    const dataKey = randomBytes(32);
    const wrapped = master.wrap(dataKey, 'k:1');
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(master.unwrap(wrapped, 'k:1').equals(dataKey)).toBe(true);
    expect(() => master.unwrap(wrapped, 'k:2')).toThrow();
  });

  it('has a stable fingerprint that differs between keys and between services', () => {
    expect(MasterKey.fromBase64(text, { ...SPEC, label: 'another-service' }).id).not.toBe(MasterKey.fromBase64(text, SPEC).id);
    expect(MasterKey.fromBase64(text, SPEC).id).toBe(MasterKey.fromBase64(text, SPEC).id);
    expect(MasterKey.fromBase64(randomBytes(32).toString('base64'), SPEC).id).not.toBe(MasterKey.fromBase64(text, SPEC).id);
  });

  it('refuses a missing or malformed key, naming the variable but never the value', () => {
    expect(() => MasterKey.fromEnv(SPEC, {})).toThrow(MasterKeyConfigError);
    expect(() => MasterKey.fromEnv(SPEC, {})).toThrow(MASTER_KEY_ENV);
    const short = randomBytes(16).toString('base64');
    expect(() => MasterKey.fromBase64(short, SPEC)).toThrow(/32 bytes/);
    try {
      MasterKey.fromBase64(short, SPEC);
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
    expect(() => MasterKey.fromBase64('not base64 at all!', SPEC)).toThrow(MasterKeyConfigError);
  });

  it('never shows the key in JSON or inspection', () => {
    const master = MasterKey.fromBase64(text, SPEC);
    expect(JSON.stringify({ master })).not.toContain(text);
    expect(inspect(master)).not.toContain(text);
    expect(inspect(master, { showHidden: true })).not.toContain(Buffer.from(text, 'base64').toString('hex'));
  });
});
