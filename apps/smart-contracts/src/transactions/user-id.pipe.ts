import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { invalidRequest } from '@neo/data/nest';

/** `:userId` of a path: a non-negative integer up to 2^53 - 1, handed on as the bigint shard key. */
@Injectable()
export class ParseUserIdPipe implements PipeTransform<string, bigint> {
  transform(value: string, metadata?: ArgumentMetadata): bigint {
    if (!/^\d{1,16}$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
      const field = metadata?.data ?? 'userId';
      throw invalidRequest([
        { field, message: `${field} must be a non-negative integer up to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(value)}` },
      ]);
    }
    return BigInt(value);
  }
}
