import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { invalidRequest, joinFieldPath, type FieldProblem } from './invalid-request.js';

/** How deeply a request's JSON may nest (objects and arrays inside each other) by default. */
export const DEFAULT_MAX_INPUT_DEPTH = 32;

/** A UTF-16 surrogate without its partner: JSON can carry one (`"\ud800"`), UTF-8 and PostgreSQL cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Pending {
  value: unknown;
  path: string;
  /** The path up to the last property name, which is what a message about nesting names. */
  field: string;
  depth: number;
}

/**
 * Refuses, with a 400 naming the field, input that no validator should ever see: values nested
 * deeper than `maxDepth` (class-transformer recurses, and 50,000 levels overflow its stack), and
 * text PostgreSQL cannot store (the NUL character; lone surrogates, which it cannot encode and
 * which would otherwise turn into U+FFFD). Runs on bodies, queries and path parameters before the
 * validation pipe, walking the value with a loop (never recursion), each string and key once.
 *
 * ```ts
 * app.useGlobalPipes(new SafeInputPipe(), new RequestValidationPipe());
 * ```
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  constructor(private readonly maxDepth: number = DEFAULT_MAX_INPUT_DEPTH) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    // A DTO is filled from an object; a list or a bare value has no fields to fill.
    if (
      metadata.type === 'body' &&
      isDtoClass(metadata.metatype) &&
      value !== undefined &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw invalidRequest([{ field: 'body', message: 'the request body must be a JSON object' }]);
    }
    const root = metadata.type === 'param' && metadata.data ? metadata.data : '';
    const problem = this.findProblem(value, root);
    if (problem) throw invalidRequest([problem]);
    return value;
  }

  /** The first problem of the value, or undefined when there is none. */
  findProblem(value: unknown, root = ''): FieldProblem | undefined {
    const pending: Pending[] = [{ value, path: root, field: root, depth: 0 }];
    while (pending.length > 0) {
      const { value: current, path, field, depth } = pending.pop()!;
      if (typeof current === 'string') {
        const problem = textProblem(current, path);
        if (problem) return problem;
        continue;
      }
      if (current === null || typeof current !== 'object') continue;
      if (depth >= this.maxDepth) {
        const name = field || 'the request body';
        return { field: name, message: `${name} is nested more than ${this.maxDepth} levels deep; send a flatter value` };
      }
      if (Array.isArray(current)) {
        for (let index = current.length - 1; index >= 0; index--) {
          pending.push({ value: current[index], path: joinFieldPath(path, index), field: field, depth: depth + 1 });
        }
        continue;
      }
      for (const [key, item] of Object.entries(current)) {
        const keyProblem = textProblem(key, path);
        if (keyProblem) return { field: keyProblem.field || 'the request body', message: `${keyProblem.message} (in a property name)` };
        const itemPath = joinFieldPath(path, key);
        pending.push({ value: item, path: itemPath, field: itemPath, depth: depth + 1 });
      }
    }
    return undefined;
  }
}

function isDtoClass(metatype: ArgumentMetadata['metatype']): boolean {
  return typeof metatype === 'function' && ![Object, Array, String, Number, Boolean].includes(metatype as never);
}

function textProblem(text: string, path: string): FieldProblem | undefined {
  const name = path || 'the request body';
  if (text.includes('\u0000')) return { field: path, message: `${name} must not contain the NUL character (\\u0000)` };
  if (LONE_SURROGATE.test(text)) {
    return { field: path, message: `${name} must be well-formed Unicode: it holds a lone surrogate (\\ud800-\\udfff without its pair)` };
  }
  return undefined;
}
