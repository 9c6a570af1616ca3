import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** `:userId` of a path: a non-negative integer up to 2^53 - 1, handed on as the bigint shard key. */
@Injectable()
export class ParseUserIdPipe implements PipeTransform<string, bigint> {
  transform(value: string): bigint {
    if (!/^\d{1,16}$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
      throw new BadRequestException(`userId must be a non-negative integer up to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(value)}`);
    }
    return BigInt(value);
  }
}
