import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { newestFirstPages, Uuidv7Generator, type Page } from '@neo/data';
import type { ReportDefinition } from '../generated/prisma/client.js';
import type { ReportingDb } from '../reporting-db.js';
import { DefinitionAlreadyExistsError, DefinitionNotFoundError, InvalidCursorError } from './definition.errors.js';
import type { CreateDefinitionDto } from './dto/create-definition.dto.js';
import { toDefinitionResponse, type DefinitionResponse } from './dto/definition.response.js';

const DEFAULT_WINDOW_DAYS = 7;
const pages = newestFirstPages('createdAt', (options) => new InvalidCursorError(options));

/** Report definitions: created once, then read by every run. */
@Injectable()
export class DefinitionsService {
  constructor(
    @InjectDataClient() private readonly db: ReportingDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  async create(input: CreateDefinitionDto): Promise<DefinitionResponse> {
    try {
      const definition = await this.db.reportDefinition.create({
        data: {
          id: this.ids.next(),
          name: input.name,
          description: input.description ?? null,
          metric: input.metric,
          aggregate: input.aggregate,
          interval: input.interval,
          groupByDimension: input.groupByDimension ?? false,
          windowDays: input.windowDays ?? DEFAULT_WINDOW_DAYS,
          createdAt: new Date(),
        },
      });
      return toDefinitionResponse(definition);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DefinitionAlreadyExistsError(input.name, { cause: error });
      throw error;
    }
  }

  async get(id: string): Promise<DefinitionResponse> {
    return toDefinitionResponse(await this.find(id));
  }

  /** The stored definition, for the reports built from it. */
  async find(id: string): Promise<ReportDefinition> {
    const definition = await this.db.reportDefinition.findUnique({ where: { id } });
    if (!definition) throw new DefinitionNotFoundError(id);
    return definition;
  }

  /** Every definition, newest first, `limit` at a time. */
  async list(query: { limit: number; cursor?: string }): Promise<Page<DefinitionResponse>> {
    const after = query.cursor === undefined ? undefined : pages.decode(query.cursor);
    const rows = await this.db.reportDefinition.findMany({ where: pages.after(after), orderBy: pages.orderBy, take: query.limit + 1 });
    const page = pages.page(rows, query.limit);
    return { items: page.items.map(toDefinitionResponse), nextCursor: page.nextCursor };
  }
}

/** Prisma's P2002: a unique constraint refused the row. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
