import { BadRequestException, ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, ObjectAlreadyExistsError, ObjectNotFoundError } from '../objects/storage-object.errors.js';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { toHttpException } from './storage-exception.filter.js';

describe('toHttpException', () => {
  it('maps the service errors onto HTTP statuses', () => {
    expect(toHttpException(new ObjectNotFoundError('x'))).toBeInstanceOf(NotFoundException);
    expect(toHttpException(new ObjectAlreadyExistsError('alice', 'a.txt'))).toBeInstanceOf(ConflictException);
    expect(toHttpException(new InvalidCursorError())).toBeInstanceOf(BadRequestException);
  });

  it('answers 503 without the driver message when the database cannot be reached', () => {
    const unreachable = Object.assign(new Error("Can't reach database server at 10.0.0.5:5432"), { code: 'P1001' });
    const mapped = toHttpException(unreachable);
    expect(mapped).toBeInstanceOf(ServiceUnavailableException);
    expect(JSON.stringify((mapped as ServiceUnavailableException).getResponse())).not.toContain('10.0.0.5');
  });

  it('leaves other errors to the default handler (a bare 500)', () => {
    const unknown = new Error('boom');
    expect(toHttpException(unknown)).toBe(unknown);
  });
});

describe('isDatabaseUnavailable', () => {
  it('recognises connection failures by code and by driver-adapter kind', () => {
    expect(isDatabaseUnavailable({ code: 'P1017' })).toBe(true);
    expect(isDatabaseUnavailable({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } } })).toBe(true);
    expect(isDatabaseUnavailable({ code: 'P2002' })).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
