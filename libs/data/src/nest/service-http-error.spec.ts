import { HttpStatus } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DataError } from '@neo/topology';
import { serviceHttpError } from './service-http-error.js';

describe('serviceHttpError', () => {
  it('answers with the status, its reason phrase, the stable code and the message, keeping the error as cause', () => {
    const error = new DataError('STORAGE_OBJECT_NOT_FOUND', 'no object with id 42');
    const answer = serviceHttpError(HttpStatus.NOT_FOUND, error);
    expect(answer.getStatus()).toBe(404);
    expect(answer.getResponse()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'STORAGE_OBJECT_NOT_FOUND',
      message: 'no object with id 42',
    });
    expect(answer.cause).toBe(error);
    expect(serviceHttpError(HttpStatus.UNPROCESSABLE_ENTITY, error).getResponse()).toMatchObject({ error: 'Unprocessable Entity' });
  });
});
