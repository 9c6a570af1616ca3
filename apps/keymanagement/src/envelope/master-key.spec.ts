import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MASTER_KEY_ENV, MasterKey, MasterKeyConfigError } from './master-key.js';

describe('MasterKey', () => {
  const text = randomBytes(32).toString('base64');

  it('wraps and unwraps a data key bound to its context', () => {
    const master = MasterKey.fromEnv({ [MASTER_KEY_ENV]: text });
    const dataKey = randomBytes(32);
    const wrapped = master.wrap(dataKey, 'k:1');
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(master.unwrap(wrapped, 'k:1').equals(dataKey)).toBe(true);
    expect(() => master.unwrap(wrapped, 'k:2')).toThrow();
  });

  it('has a stable fingerprint that differs between keys', () => {
    expect(MasterKey.fromBase64(text).id).toBe(MasterKey.fromBase64(text).id);
    expect(MasterKey.fromBase64(randomBytes(32).toString('base64')).id).not.toBe(MasterKey.fromBase64(text).id);
  });

  it('refuses a missing or malformed key, naming the variable but never the value', () => {
    expect(() => MasterKey.fromEnv({})).toThrow(MasterKeyConfigError);
    expect(() => MasterKey.fromEnv({})).toThrow(MASTER_KEY_ENV);
    const short = randomBytes(16).toString('base64');
    expect(() => MasterKey.fromBase64(short)).toThrow(/32 bytes/);
    try {
      MasterKey.fromBase64(short);
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
    expect(() => MasterKey.fromBase64('not base64 at all!')).toThrow(MasterKeyConfigError);
  });

  it('never shows the key in JSON or inspection', () => {
    const master = MasterKey.fromBase64(text);
    expect(JSON.stringify({ master })).not.toContain(text);
    expect(inspect(master)).not.toContain(text);
    expect(inspect(master, { showHidden: true })).not.toContain(Buffer.from(text, 'base64').toString('hex'));
  });
});
