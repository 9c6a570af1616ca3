// class-transformer's `@Type` needs the Reflect metadata API; Nest loads it too, this makes the query usable without Nest.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Cursors the services make are under 100 characters; anything far longer is not one of them. */
export const MAX_CURSOR_LENGTH = 512;

/**
 * Query of the paged listings: `?limit=&cursor=`. A listing with filters of its own extends it
 * (class-validator and class-transformer apply the inherited rules too).
 */
export class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  /** The `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_CURSOR_LENGTH, { message: 'cursor is malformed: pass the nextCursor of the previous page unchanged' })
  cursor?: string;
}
