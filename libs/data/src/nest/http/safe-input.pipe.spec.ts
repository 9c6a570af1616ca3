import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { SafeInputPipe } from './safe-input.pipe.js';

const pipe = new SafeInputPipe();
const body = { type: 'body' as const };

function refusal(value: unknown, metadata: Parameters<SafeInputPipe['transform']>[1] = body): unknown {
  try {
    pipe.transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse();
  }
  return undefined;
}

/** An array nested `levels` deep, built without recursion. */
function nested(levels: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < levels; level++) value = [value];
  return value;
}

describe('SafeInputPipe', () => {
  it('lets ordinary input through unchanged', () => {
    const value = { key: 'a.txt', size: 1, tags: ['x', 'é', '😀'], nested: { deep: [{ ok: true }] } };
    expect(pipe.transform(value, body)).toBe(value);
  });

  it.each([
    ['a NUL in a field', { key: 'a\u0000b' }, 'key', /key must not contain the NUL character/],
    ['a NUL in an item of a list', { samples: [{ series: 'ok' }, { series: '\u0000' }] }, 'samples[1].series', /NUL/],
    ['a NUL in a property name', { payload: { 'a\u0000': 1 } }, 'payload', /NUL.*property name/],
    ['a lone high surrogate', { name: 'a\ud800' }, 'name', /lone surrogate/],
    ['a lone low surrogate', { name: '\udc00b' }, 'name', /lone surrogate/],
    ['nesting past the bound', { payload: { a: nested(40) } }, 'payload.a', /nested more than 32 levels/],
  ])('refuses %s, naming the field', (_what, value, field, message) => {
    expect(refusal(value)).toMatchObject({
      statusCode: 400,
      code: 'INVALID_REQUEST',
      fields: [{ field, message: expect.stringMatching(message) }],
    });
  });

  it('names query parameters and path parameters', () => {
    expect(refusal({ owner: 'x\u0000' }, { type: 'query' })).toMatchObject({ fields: [{ field: 'owner' }] });
    expect(refusal('x\u0000', { type: 'param', data: 'id' })).toMatchObject({ fields: [{ field: 'id' }] });
  });

  it('walks 50,000 levels without overflowing the stack', () => {
    expect(refusal({ key: nested(50_000) })).toMatchObject({ fields: [{ field: 'key' }] });
  });

  it('keeps well-formed surrogate pairs and 32 levels', () => {
    expect(pipe.transform({ emoji: '\ud83d\ude00', list: nested(31) }, body)).toBeDefined();
  });
});
