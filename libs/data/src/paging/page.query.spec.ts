import { plainToInstance } from 'class-transformer';
import { IsNotEmpty, IsString, validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, PageQuery } from './page.query.js';

class OwnerPageQuery extends PageQuery {
  @IsString()
  @IsNotEmpty()
  owner!: string;
}

/** What the global ValidationPipe (`transform: true`) does with a query string. */
function invalidFields<T extends object>(type: new () => T, query: Record<string, string>): string[] {
  return validateSync(plainToInstance(type, query)).map((error) => error.property);
}

describe('PageQuery', () => {
  it('defaults the limit and converts it from the query string', () => {
    expect(plainToInstance(PageQuery, {}).limit).toBe(DEFAULT_PAGE_SIZE);
    expect(plainToInstance(PageQuery, { limit: '5' }).limit).toBe(5);
    expect(invalidFields(PageQuery, { limit: '100', cursor: 'abc' })).toEqual([]);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ cursor: '' }, 'cursor'],
  ])('refuses %j naming %s', (query, field) => {
    expect(invalidFields(PageQuery, query)).toEqual([field]);
  });

  it('keeps its rules in a query that extends it', () => {
    expect(invalidFields(OwnerPageQuery, { owner: 'alice' })).toEqual([]);
    expect(invalidFields(OwnerPageQuery, { limit: '0' }).sort()).toEqual(['limit', 'owner']);
  });
});
