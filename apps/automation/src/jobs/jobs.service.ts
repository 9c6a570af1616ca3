import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { positionCursorCodec, Uuidv7Generator, type Page } from '@neo/data';
import type { AutomationDb } from '../automation-db.js';
import { nextRun } from './cron-schedule.js';
import { toJobResponse, toJobRunResponse, type JobResponse, type JobRunResponse } from './dto/job.response.js';
import { InvalidRunsCursorError, JobAlreadyExistsError, JobNotFoundError } from './job.errors.js';

const runsCursor = positionCursorCodec('scheduledFor', (options) => new InvalidRunsCursorError(options));

/** Jobs and their run history, as the API sees them. */
@Injectable()
export class JobsService {
  constructor(
    @InjectDataClient() private readonly db: AutomationDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  async create(input: { name: string; schedule: string }): Promise<JobResponse> {
    const now = new Date();
    try {
      const job = await this.db.job.create({
        // The DTO checked the expression: it has a next run.
        data: { id: this.ids.next(), name: input.name, schedule: input.schedule, nextRunAt: nextRun(input.schedule, now)!, createdAt: now },
      });
      return toJobResponse(job);
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002') {
        throw new JobAlreadyExistsError(input.name, { cause: error });
      }
      throw error;
    }
  }

  async get(id: string): Promise<JobResponse> {
    const job = await this.db.job.findUnique({ where: { id } });
    if (!job) throw new JobNotFoundError(id);
    return toJobResponse(job);
  }

  /** A job's runs, newest first, `limit` at a time. */
  async runs(id: string, query: { limit: number; cursor?: string }): Promise<Page<JobRunResponse>> {
    const after = query.cursor === undefined ? undefined : runsCursor.decode(query.cursor);
    const [job, rows] = await Promise.all([
      this.db.job.findUnique({ where: { id }, select: { id: true } }),
      this.db.jobRun.findMany({
        where: { jobId: id, ...(after ? { scheduledFor: { lt: after.scheduledFor } } : {}) },
        orderBy: { scheduledFor: 'desc' },
        take: query.limit + 1,
      }),
    ]);
    if (!job) throw new JobNotFoundError(id);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(toJobRunResponse), nextCursor: rows.length > query.limit && last ? runsCursor.encode(last) : null };
  }
}
