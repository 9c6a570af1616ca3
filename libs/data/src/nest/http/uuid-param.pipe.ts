import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { invalidRequest } from './invalid-request.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A UUID path parameter, lower-cased; anything else is a 400 naming the parameter (Nest's
 * `ParseUUIDPipe` answers "Validation failed (uuid is expected)", which names nothing).
 *
 * ```ts
 * @Get(':id') get(@Param('id', UuidParamPipe) id: string)
 * ```
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
    const name = metadata.data ?? 'id';
    throw invalidRequest([{ field: name, message: `${name} must be a UUID such as "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"` }]);
  }
}
