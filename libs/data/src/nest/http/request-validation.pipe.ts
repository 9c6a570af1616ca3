import { Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { IS_DATE_TIME } from './date-time.field.js';
import { invalidRequest, joinFieldPath, type FieldProblem } from './invalid-request.js';

/**
 * Constraints that say what kind of value a field holds, most basic first. When a value breaks
 * several rules, the answer names the first of these it breaks: "limit must be an integer
 * number", not "limit must not be greater than 100", for `limit=abc`.
 */
const TYPE_CONSTRAINTS = [
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  IS_DATE_TIME,
  'isDate',
  'isUuid',
  'isUUID',
  'isIso8601',
  'isISO8601',
  'isEnum',
  'nestedValidation',
];

/** Most fields one answer names: a batch of 10,000 bad items is answered with the first ones, not a megabyte. */
export const MAX_FIELD_PROBLEMS = 20;

/** Then emptiness, then the value's size and range rules (in the order class-validator ran them). */
const PRESENCE_CONSTRAINTS = ['isNotEmpty', 'arrayNotEmpty'];

/**
 * Nest's `ValidationPipe` with the service conventions: unknown fields refused, values
 * transformed into the DTO's types, and one message per field that says what is actually wrong
 * with it, named by its full path (`samples[3].at`):
 * - a field left out: "key is required";
 * - a field of the wrong kind: the type rule ("size must be an integer number"), before any
 *   length or range rule, which would only mislead;
 * - otherwise the first rule the value breaks.
 * The answer is `invalidRequest`'s 400 (`code: INVALID_REQUEST`, `message`, `fields`).
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors: ValidationError[]) => invalidRequest(firstProblems(fieldProblems(errors))),
    });
  }
}

/** One problem per failing field, in the order of the fields. */
export function fieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // Errors nest as deep as the request does (which SafeInputPipe bounds); a loop keeps it off the stack.
  const pending = [...errors].reverse().map((error) => ({ error, parent }));
  while (pending.length > 0) {
    const { error, parent: parentPath } = pending.pop()!;
    const path = joinFieldPath(parentPath, error.property);
    if (error.constraints && Object.keys(error.constraints).length > 0) {
      problems.push({ field: path, message: describeFailure(error, path, error.constraints) });
    }
    for (const child of [...(error.children ?? [])].reverse()) pending.push({ error: child, parent: path });
  }
  return problems;
}

function firstProblems(problems: FieldProblem[]): FieldProblem[] {
  if (problems.length <= MAX_FIELD_PROBLEMS) return problems;
  const rest = problems.length - MAX_FIELD_PROBLEMS;
  return [...problems.slice(0, MAX_FIELD_PROBLEMS), { field: '…', message: `and ${rest} more field${rest === 1 ? '' : 's'} like these` }];
}

function describeFailure(error: ValidationError, path: string, constraints: Record<string, string>): string {
  if ('whitelistValidation' in constraints) return `${path} is not a field of this request; remove it`;
  if (error.value === undefined || error.value === null) return `${path} is required`;
  const chosen =
    TYPE_CONSTRAINTS.find((name) => name in constraints) ??
    PRESENCE_CONSTRAINTS.find((name) => name in constraints) ??
    Object.keys(constraints)[0]!;
  return withPath(constraints[chosen]!, error.property, path);
}

/** class-validator's messages start with the bare property name; the answer names the full path. */
function withPath(message: string, property: string, path: string): string {
  if (message.startsWith(`${property} `)) return `${path}${message.slice(property.length)}`;
  if (message.startsWith(`nested property ${property} `)) return `${path}${message.slice(`nested property ${property}`.length)}`;
  return `${path}: ${message}`;
}
