import { BadRequestException, HttpStatus } from '@nestjs/common';

/** One thing wrong with a request: the field, as a path (`key`, `samples[3].at`), and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The body of every 400 a service answers for a request it refuses before running it. */
export interface InvalidRequestBody {
  statusCode: 400;
  error: 'Bad Request';
  code: 'INVALID_REQUEST';
  /** One sentence per field, each starting with the field's path (as Nest's validation answers). */
  message: string[];
  fields: FieldProblem[];
}

/** A 400 naming each field that is wrong and why; decided before any query runs. */
export function invalidRequest(problems: readonly FieldProblem[]): BadRequestException {
  const body: InvalidRequestBody = {
    statusCode: HttpStatus.BAD_REQUEST,
    error: 'Bad Request',
    code: 'INVALID_REQUEST',
    message: problems.map((problem) => problem.message),
    fields: [...problems],
  };
  return new BadRequestException(body);
}

/** `samples[3].at`: property names joined by dots, item indexes in brackets. */
export function joinFieldPath(parent: string, step: string | number): string {
  if (typeof step === 'number' || /^\d+$/.test(step)) return `${parent}[${step}]`;
  return parent === '' ? step : `${parent}.${step}`;
}
