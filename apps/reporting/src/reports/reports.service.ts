import { Inject, Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { newestFirstPages, Uuidv7Generator, type Page } from '@neo/data';
import { InvalidCursorError } from '../definitions/definition.errors.js';
import { DefinitionsService } from '../definitions/definitions.service.js';
import { ReportPartitions } from '../partitions/report-partitions.js';
import { CLOCK, type Clock } from '../partitions/retention-settings.js';
import type { ReportingDb } from '../reporting-db.js';
import { toReportResponse, toReportSummary, type ReportResponse, type ReportSummary } from './dto/report.response.js';
import { InvalidReportWindowError, ReportNotFoundError, ReportTooLargeError } from './report.errors.js';
import { queryReportRows } from './report-rows.query.js';

/** Most rows one report holds (~1 MB of JSON): 90 days by hour is 2,160 buckets. */
export const MAX_REPORT_ROWS = 10_000;
const DAY_MS = 86_400_000;
const pages = newestFirstPages('generatedAt', (options) => new InvalidCursorError(options));

/** Generated reports: computed by the database from the service's own inputs, then stored. */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataClient() private readonly db: ReportingDb,
    private readonly definitions: DefinitionsService,
    private readonly partitions: ReportPartitions,
    private readonly ids: Uuidv7Generator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Generates a report of the definition over [from, to) and stores it. The window must lie
   * inside the window inputs are kept in (older inputs are gone, later ones cannot exist yet);
   * without one, the definition's last `windowDays` days up to now, cut to the kept window.
   */
  async generate(definitionId: string, requested: { from?: Date; to?: Date }): Promise<ReportResponse> {
    const now = this.clock();
    const kept = this.partitions.inputsWindow();
    checkWindowBounds(requested, kept);
    const definition = await this.definitions.find(definitionId);
    const to = requested.to ?? now;
    const from = requested.from ?? new Date(Math.max(to.getTime() - definition.windowDays * DAY_MS, kept.from.getTime()));
    if (to.getTime() <= from.getTime()) {
      // Only one of the two was given (both are checked above): it is the one at fault.
      if (requested.to === undefined) throw new InvalidReportWindowError('from', `(${from.toISOString()}) must be before now`);
      throw new InvalidReportWindowError('to', `(${to.toISOString()}) must be after from (${from.toISOString()})`);
    }

    const rows = await queryReportRows(this.db, definition, { from, to }, MAX_REPORT_ROWS + 1);
    if (rows.length > MAX_REPORT_ROWS) throw new ReportTooLargeError(MAX_REPORT_ROWS);
    await this.partitions.ensureReportPartition(now);
    const report = await this.db.generatedReport.create({
      data: {
        id: this.ids.next(),
        definitionId,
        windowFrom: from,
        windowTo: to,
        rowCount: rows.length,
        rows: rows as object[],
        generatedAt: now,
      },
    });
    return toReportResponse(report);
  }

  async get(id: string): Promise<ReportResponse> {
    // The primary key is (id, generated_at): each partition's index finds the id.
    const report = await this.db.generatedReport.findFirst({ where: { id } });
    if (!report) throw new ReportNotFoundError(id);
    return toReportResponse(report);
  }

  /** One definition's reports, newest first, `limit` at a time, without their rows. */
  async list(definitionId: string, query: { limit: number; cursor?: string }): Promise<Page<ReportSummary>> {
    await this.definitions.find(definitionId);
    const after = query.cursor === undefined ? undefined : pages.decode(query.cursor);
    const rows = await this.db.generatedReport.findMany({
      where: { definitionId, ...pages.after(after) },
      orderBy: pages.orderBy,
      take: query.limit + 1,
      omit: { rows: true },
    });
    const page = pages.page(rows, query.limit);
    return { items: page.items.map(toReportSummary), nextCursor: page.nextCursor };
  }
}

/** Refuses a window the kept inputs cannot cover, naming the field; decided before any query. */
function checkWindowBounds(window: { from?: Date; to?: Date }, kept: { from: Date; to: Date }): void {
  const [from, to] = [kept.from.toISOString(), kept.to.toISOString()];
  if (window.from !== undefined && (window.from < kept.from || window.from >= kept.to)) {
    throw new InvalidReportWindowError('from', `(${window.from.toISOString()}) is outside the window inputs are kept in: [${from}, ${to})`);
  }
  if (window.to !== undefined && (window.to <= kept.from || window.to > kept.to)) {
    throw new InvalidReportWindowError('to', `(${window.to.toISOString()}) is outside the window inputs are kept in: (${from}, ${to}]`);
  }
  if (window.from !== undefined && window.to !== undefined && window.to <= window.from) {
    throw new InvalidReportWindowError('to', `(${window.to.toISOString()}) must be after from (${window.from.toISOString()})`);
  }
}
