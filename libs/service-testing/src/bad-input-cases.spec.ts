import { describe, expect, it } from 'vitest';
import { badInputCases } from './bad-input-cases.js';
import { fieldLabel, REMOVE, withField } from './field-path.js';
import { bodyText, expandPath, queryString, RawJson } from './send-request.js';

describe('field paths', () => {
  it('read items of lists and show them as validation names them', () => {
    expect(fieldLabel('samples[].at')).toBe('samples[0].at');
    expect(withField({ samples: [{ at: 1, v: 2 }, { at: 3 }] }, 'samples[].at', 'x')).toEqual({ samples: [{ at: 'x', v: 2 }, { at: 3 }] });
    expect(withField({ a: 1, b: 2 }, 'b', REMOVE)).toEqual({ a: 1 });
  });
});

describe('requests', () => {
  it('write raw JSON verbatim, encode path parameters and repeat list query parameters', () => {
    expect(bodyText({ value: new RawJson('1e999'), deep: new RawJson('[[]]') })).toBe('{"value":1e999,"deep":[[]]}');
    expect(expandPath('/users/:userId/transactions/:id', { userId: '1', id: 'a\u0000' })).toBe('/users/1/transactions/a%00');
    expect(queryString({ owner: ['a', 'b'], limit: '2' })).toBe('?owner=a&owner=b&limit=2');
  });
});

describe('badInputCases', () => {
  const valid = { body: { key: 'k', samples: [{ at: '2026-01-01T00:00:00Z' }] } };

  it('sends each bad value in a copy of the valid request, changing only that field', () => {
    const cases = badInputCases({ in: 'body', path: 'key', kind: 'text', maxLength: 10, required: true }, valid);
    const titles = cases.map((badCase) => badCase.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'body key: missing',
        'body key: null',
        'body key: a number instead of text',
        'body key: NUL character',
        'body key: lone high surrogate',
        'body key: 11 characters',
        'body key: 50,000 characters',
        'body key: nested 50,000 levels deep',
      ]),
    );
    for (const badCase of cases) {
      expect(badCase.names).toBe('key');
      expect((badCase.request.body as { samples: unknown }).samples).toEqual(valid.body.samples);
    }
    const deep = cases.find((badCase) => badCase.title.includes('nested'))!;
    expect(bodyText(deep.request.body).length).toBeLessThan(100 * 1024);
  });

  it('names fields inside lists by their first item, and sizes deep values to the route limit', () => {
    const cases = badInputCases({ in: 'body', path: 'samples[].at', kind: 'date-time', required: true }, valid, { bodyLimitBytes: 4_000 });
    expect(new Set(cases.map((badCase) => badCase.names))).toEqual(new Set(['samples[0].at']));
    expect(cases.map((badCase) => badCase.title)).toContain('body samples[].at: out of range: -271821-04-20T00:00:00.000Z');
    const deep = cases.find((badCase) => badCase.title.includes('nested'))!;
    expect(bodyText(deep.request.body).length).toBeLessThan(4_000);
  });

  it('sends query and path parameters as text, and expects 401 for an operator credential', () => {
    const limit = badInputCases({ in: 'query', path: 'limit', kind: 'integer', min: 1, max: 100 }, { query: { limit: '2' } });
    expect(limit.map((badCase) => badCase.request.query?.['limit'])).toEqual(
      expect.arrayContaining(['abc', ['1', '2'], '0', '101', '1\u0000']),
    );
    const token = badInputCases({ in: 'header', path: 'authorization', kind: 'bearer-token' }, { headers: { authorization: 'Bearer t' } });
    expect(token.every((badCase) => badCase.status === 401)).toBe(true);
    expect(token.find((badCase) => badCase.title.endsWith('missing'))!.request.headers).toEqual({});
  });
});
