import { fieldAt, fieldLabel, REMOVE, withField } from './field-path.js';
import { bodyText, RawJson } from './send-request.js';
import type { FieldSpec, RequestParts } from './service-http-table.js';

/** One request with one field made bad, and what the answer must say. */
export interface BadInputCase {
  /** e.g. `body key: NUL character`. */
  title: string;
  request: RequestParts;
  /** The word the answer must contain: the field's name or path. */
  names: string;
  /** The status the answer must have; any 4xx when absent. */
  status?: number;
}

interface BadValue {
  what: string;
  /** `REMOVE` leaves the field out. */
  value: unknown;
  /** Names the list itself rather than the field inside it (`samples`, not `samples[0]`). */
  names?: string;
  status?: number;
}

/** Nesting depth of the deep values: the 100 KB body nested 50,000 levels deep. */
const DEEP_LEVELS = 50_000;
const DEFAULT_BODY_LIMIT = 100 * 1024;
/** Instants outside what PostgreSQL stores and gives back: JavaScript's first day, year 0, past year 9999. */
export const OUT_OF_RANGE_INSTANTS = [
  '-271821-04-20T00:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  '10000-01-01T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
];

/**
 * The bad values of one field, each in a copy of the valid request: the wrong type, a missing
 * value, NUL, lone surrogates, numbers and instants out of range, oversized values and deep
 * nesting, as far as the field's kind and place allow (a path parameter cannot be missing, a
 * query cannot nest, a URL cannot carry a lone surrogate).
 */
export function badInputCases(field: FieldSpec, valid: RequestParts, options: { bodyLimitBytes?: number } = {}): BadInputCase[] {
  const values = badValues(field, valid, options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT);
  const names = field.names ?? (field.in === 'body' ? fieldLabel(field.path) : field.path);
  return values.map((bad) => ({
    title: `${field.in} ${field.path}: ${bad.what}`,
    request: withValue(valid, field, bad.value),
    names: bad.names ?? names,
    ...(bad.status !== undefined ? { status: bad.status } : {}),
  }));
}

function withValue(valid: RequestParts, field: FieldSpec, value: unknown): RequestParts {
  switch (field.in) {
    case 'body':
      return { ...valid, body: withField(valid.body ?? {}, field.path, value) };
    case 'query':
      return { ...valid, query: replaced(valid.query, field.path, value) as RequestParts['query'] };
    case 'params':
      return { ...valid, params: replaced(valid.params, field.path, value) as RequestParts['params'] };
    case 'header':
      return { ...valid, headers: replaced(valid.headers, field.path, value) as RequestParts['headers'] };
  }
}

function replaced(record: Record<string, unknown> | undefined, name: string, value: unknown): Record<string, unknown> {
  const copy = { ...record };
  if (value === REMOVE) delete copy[name];
  else copy[name] = value;
  return copy;
}

function badValues(field: FieldSpec, valid: RequestParts, bodyLimit: number): BadValue[] {
  const inBody = field.in === 'body';
  const inQuery = field.in === 'query';
  const values: BadValue[] = [];
  const add = (what: string, value: unknown, extra: Partial<BadValue> = {}) => values.push({ what, value, ...extra });

  if (field.required && (inBody || inQuery)) add('missing', REMOVE);
  if (field.required && inBody) add('null', null);

  switch (field.kind) {
    case 'text': {
      if (inBody) {
        add('a number instead of text', 12345);
        add('a list instead of text', ['text']);
        add('an object instead of text', { text: 'x' });
      }
      if (inQuery) add('given twice', ['a', 'b']);
      if (field.required && field.in !== 'params') add('empty', '');
      add('NUL character', 'a\u0000b');
      if (inBody) {
        add('lone high surrogate', 'a\ud800b');
        add('lone low surrogate', 'a\udc00');
      }
      add(`${field.maxLength + 1} characters`, 'x'.repeat(field.maxLength + 1));
      if (inBody && field.maxLength < 50_000) add('50,000 characters', 'x'.repeat(50_000));
      break;
    }
    case 'integer': {
      if (inBody) {
        add('a number written as text', String(field.min));
        add('true', true);
        add('NUL character', '1\u0000');
        add(`${field.min - 1}`, field.min - 1);
        add(`${field.max + 1}`, field.max + 1);
        add('1.5', 1.5);
        add('1e300', 1e300);
        add('1e999 (Infinity)', new RawJson('1e999'));
        add('-1e999 (-Infinity)', new RawJson('-1e999'));
      } else {
        add('not a number', 'abc');
        if (inQuery) add('given twice', ['1', '2']);
        add('NUL character', '1\u0000');
        add(`${field.min - 1}`, String(field.min - 1));
        add(`${field.max + 1}`, String(field.max + 1));
        add('1.5', '1.5');
        add('1e400', '1e400');
        add('99999999999999999999999', '99999999999999999999999');
      }
      break;
    }
    case 'number': {
      add('a number written as text', '1.5');
      add('true', true);
      add('NUL character', '1\u0000');
      add('1e999 (Infinity)', new RawJson('1e999'));
      add('-1e999 (-Infinity)', new RawJson('-1e999'));
      break;
    }
    case 'decimal': {
      add('a JSON number instead of a decimal string', 12.5);
      add('true', true);
      add('NUL character', '1\u0000');
      add('lone surrogate', '1\ud800');
      add(`${field.integerDigits + 1} integer digits`, '1' + '0'.repeat(field.integerDigits));
      add(`${field.fractionDigits + 1} decimal places`, '0.' + '1'.repeat(field.fractionDigits + 1));
      if (!field.signed) add('negative', '-1');
      add('exponent notation', '1e5');
      add('10,000 digits', '9'.repeat(10_000));
      break;
    }
    case 'date-time': {
      if (inBody) {
        add('a number instead of a date-time', 12345);
        add('true', true);
      }
      if (inQuery) add('given twice', ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z']);
      add('not a date', 'yesterday');
      add('February 30', '2026-02-30T00:00:00Z');
      add('no time zone', '2026-01-01T00:00:00');
      add('NUL character', '2026-01-01T00:00:00Z\u0000');
      for (const instant of OUT_OF_RANGE_INSTANTS) add(`out of range: ${instant}`, instant);
      add('10,000 characters', '2'.repeat(10_000));
      break;
    }
    case 'uuid': {
      if (inBody) add('a number instead of a UUID', 12345);
      add('not a UUID', 'not-a-uuid');
      add('NUL character', '0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b\u0000');
      add('4,000 characters', 'a'.repeat(4_000));
      break;
    }
    case 'json-object': {
      add('text instead of an object', 'text');
      add('a list instead of an object', [1, 2]);
      add('a number instead of an object', 5);
      add('NUL in a value', { note: 'a\u0000b' });
      add('NUL in a property name', { 'a\u0000b': 1 });
      add('lone surrogate in a value', { note: '\ud800' });
      add('lone surrogate in a property name', { '\udc00': 1 });
      add(`over ${field.maxBytes} bytes`, { blob: 'x'.repeat(field.maxBytes) });
      break;
    }
    case 'array': {
      const items = fieldAt(valid.body, field.path);
      const first = Array.isArray(items) ? (items[0] as unknown) : undefined;
      add('text instead of a list', 'text');
      add('an object instead of a list', { item: first });
      if (field.minItems > 0) add(`${field.minItems - 1} items`, []);
      const itemBytes = Math.max(2, bodyText(first).length + 1);
      if ((field.maxItems + 1) * itemBytes < bodyLimit)
        add(
          `${field.maxItems + 1} items`,
          Array.from({ length: field.maxItems + 1 }, () => first),
        );
      break;
    }
    case 'cursor': {
      add('not a cursor', 'nonsense');
      if (inQuery) add('given twice', ['a', 'b']);
      add('NUL character', 'abc\u0000');
      add('2,000 characters', 'x'.repeat(2_000));
      for (const instant of field.at ? OUT_OF_RANGE_INSTANTS : []) add(`a position at ${instant}`, field.at!(instant));
      break;
    }
    case 'bearer-token': {
      add('missing', REMOVE, { status: 401 });
      add('a wrong token', 'Bearer wrong-token', { status: 401 });
      add('another scheme', 'Basic b3BlcmF0b3I6c2VjcmV0', { status: 401 });
      add('8,000 characters', `Bearer ${'x'.repeat(8_000)}`, { status: 401 });
      break;
    }
  }
  if (inBody) {
    const levels = deepLevels(valid.body, field.path, bodyLimit);
    add(`nested ${levels.toLocaleString('en')} levels deep`, new RawJson('['.repeat(levels) + ']'.repeat(levels)));
  }
  return values;
}

/** As deep as fits the body limit, up to 50,000 levels: the answer is about the nesting, not the size. */
function deepLevels(body: unknown, path: string, bodyLimit: number): number {
  const rest = bodyText(withField(body ?? {}, path, null)).length;
  return Math.max(1, Math.min(DEEP_LEVELS, Math.floor((bodyLimit - rest - 64) / 2)));
}
