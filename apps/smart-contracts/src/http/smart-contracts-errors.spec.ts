import { BadRequestException, type HttpException } from '@nestjs/common';
import { CrossShardTransactionError, ShardKeyRequiredError, ShardQueryError } from '@neo/data';
import { describe, expect, it } from 'vitest';
import { ContractAlreadyExistsError, ContractNotFoundError } from '../contracts/contract.errors.js';
import { InvalidCursorError } from '../paging/invalid-cursor.error.js';
import { TransactionNotFoundError } from '../transactions/transaction.errors.js';
import { ParseUserIdPipe } from '../transactions/user-id.pipe.js';
import { prismaErrorCode } from './prisma-error-code.js';
import { toHttpException } from './smart-contracts-errors.js';

describe('toHttpException', () => {
  it.each([
    [new ContractNotFoundError('c'), 404],
    [new TransactionNotFoundError('t', 5n), 404],
    [new ContractAlreadyExistsError('n', '0x00'), 409],
    [new InvalidCursorError(), 400],
    [new ShardKeyRequiredError('Transaction', 'updateMany', 'userId'), 400],
    [new CrossShardTransactionError('two shards'), 422],
  ])('maps %s onto its HTTP status with its code', (error, status) => {
    const answer = toHttpException(error) as HttpException;
    expect(answer.getStatus()).toBe(status);
    expect(answer.getResponse()).toMatchObject({ statusCode: status, code: error.code, message: error.message });
  });

  it('leaves other errors to the default handler', () => {
    const unknown = new Error('boom');
    expect(toHttpException(unknown)).toBe(unknown);
  });
});

describe('prismaErrorCode', () => {
  it('finds the Prisma code of an error or of the shard error wrapping it', () => {
    const unique = Object.assign(new Error('Unique constraint failed'), { code: 'P2002' });
    expect(prismaErrorCode(unique)).toBe('P2002');
    expect(prismaErrorCode(new ShardQueryError('sc_1', 'Contract', 'create', unique))).toBe('P2002');
    expect(prismaErrorCode(new CrossShardTransactionError('x'))).toBeUndefined();
    expect(prismaErrorCode(undefined)).toBeUndefined();
  });
});

describe('ParseUserIdPipe', () => {
  const pipe = new ParseUserIdPipe();

  it('turns a path segment into the bigint shard key', () => {
    expect(pipe.transform('0')).toBe(0n);
    expect(pipe.transform(String(Number.MAX_SAFE_INTEGER))).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it.each(['-1', '1.5', 'abc', '', '9007199254740992', '1e3'])('refuses %j', (value) => {
    expect(() => pipe.transform(value)).toThrow(BadRequestException);
  });
});
