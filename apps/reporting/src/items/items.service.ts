import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { newestFirstPages, Uuidv7Generator, type Page } from '@neo/data';
import type { ReportingDb } from '../reporting-db.js';
import { toItemResponse, type ItemResponse } from './dto/item.response.js';
import { InvalidItemsCursorError, ItemAlreadyExistsError, ItemNotFoundError } from './item.errors.js';

const pages = newestFirstPages('createdAt', (options) => new InvalidItemsCursorError(options));

/** Items: plain Prisma calls on the client the data module gives (the monolith's schema or the service's own database). */
@Injectable()
export class ItemsService {
  constructor(
    @InjectDataClient() private readonly db: ReportingDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  async create(name: string): Promise<ItemResponse> {
    try {
      return toItemResponse(await this.db.item.create({ data: { id: this.ids.next(), name, createdAt: new Date() } }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ItemAlreadyExistsError(name, { cause: error });
      throw error;
    }
  }

  async get(id: string): Promise<ItemResponse> {
    const item = await this.db.item.findUnique({ where: { id } });
    if (!item) throw new ItemNotFoundError(id);
    return toItemResponse(item);
  }

  /** Every item, newest first, `limit` at a time. */
  async list(query: { limit: number; cursor?: string }): Promise<Page<ItemResponse>> {
    const after = query.cursor === undefined ? undefined : pages.decode(query.cursor);
    const rows = await this.db.item.findMany({ where: pages.after(after), orderBy: pages.orderBy, take: query.limit + 1 });
    const page = pages.page(rows, query.limit);
    return { items: page.items.map(toItemResponse), nextCursor: page.nextCursor };
  }
}

/** Prisma's P2002: a unique constraint refused the row. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
