import { BadRequestException, ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { CrossShardTransactionError, ShardKeyRequiredError, ShardQueryError } from '@neo/data';
import { describe, expect, it } from 'vitest';
import { ContractAlreadyExistsError, ContractNotFoundError } from '../contracts/contract.errors.js';
import { InvalidCursorError } from '../paging/invalid-cursor.error.js';
import { TransactionNotFoundError } from '../transactions/transaction.errors.js';
import { ParseUserIdPipe } from '../transactions/user-id.pipe.js';
import { prismaErrorCode } from './prisma-error-code.js';
import { toHttpException } from './smart-contracts-errors.js';

describe('toHttpException', () => {
  it('maps the service errors and the shard router refusals onto HTTP statuses with their code', () => {
    expect(toHttpException(new ContractNotFoundError('c'))).toBeInstanceOf(NotFoundException);
    expect(toHttpException(new TransactionNotFoundError('t', 5n))).toBeInstanceOf(NotFoundException);
    expect(toHttpException(new ContractAlreadyExistsError('n', '0x00'))).toBeInstanceOf(ConflictException);
    expect(toHttpException(new InvalidCursorError())).toBeInstanceOf(BadRequestException);
    expect(toHttpException(new ShardKeyRequiredError('Transaction', 'updateMany', 'userId'))).toBeInstanceOf(BadRequestException);
    const crossShard = toHttpException(new CrossShardTransactionError('two shards')) as UnprocessableEntityException;
    expect(crossShard).toBeInstanceOf(UnprocessableEntityException);
    expect(crossShard.getResponse()).toMatchObject({ code: 'CROSS_SHARD_TRANSACTION', message: 'two shards' });
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
