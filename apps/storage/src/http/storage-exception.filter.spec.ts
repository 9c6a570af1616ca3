import { HttpException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, ObjectAlreadyExistsError, ObjectNotFoundError } from '../objects/storage-object.errors.js';
import { toHttpException } from './storage-exception.filter.js';

describe('toHttpException', () => {
  it.each([
    [new ObjectNotFoundError('x'), 404, 'STORAGE_OBJECT_NOT_FOUND'],
    [new ObjectAlreadyExistsError('alice', 'a.txt'), 409, 'STORAGE_OBJECT_EXISTS'],
    [new InvalidCursorError(), 400, 'STORAGE_INVALID_CURSOR'],
  ])('answers %s with its status and its code', (error, status, code) => {
    const mapped = toHttpException(error) as HttpException;
    expect(mapped.getStatus()).toBe(status);
    expect(mapped.getResponse()).toMatchObject({ statusCode: status, code, message: error.message });
  });

  it('leaves other errors to the default handler (a bare 500)', () => {
    const unknown = new Error('boom');
    expect(toHttpException(unknown)).toBe(unknown);
  });
});
