import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { InjectDataClient } from '@neo/data/nest';
import type { AutomationDb } from '../automation-db.js';
import { nextRun } from './cron-schedule.js';

/** How an instance's scheduler runs. */
export interface SchedulerSettings {
  enabled: boolean;
  /** How often it looks for due jobs. */
  tickMs: number;
  /** Due jobs read per tick. */
  batchSize: number;
}

export const DEFAULT_SCHEDULER_SETTINGS: SchedulerSettings = { enabled: true, tickMs: 1_000, batchSize: 50 };
export const SCHEDULER_SETTINGS = Symbol('automation scheduler settings');

/**
 * Every instance runs one. A due job is fired by one statement: move its `next_run_at` on from
 * the instant read as due (a compare-and-set: only a row still at that instant matches) and
 * insert the run. Of the instances that read the same due instant, exactly one matches; the
 * others get "no row" and leave it. A job missed while every instance was down fires once, for
 * its latest due instant, and then follows its schedule from now.
 */
@Injectable()
export class Scheduler implements OnApplicationBootstrap, OnModuleDestroy {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Runs this instance fired. */
  fired = 0;
  private readonly logger = new Logger(Scheduler.name);
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataClient() private readonly db: AutomationDb,
    private readonly ids: Uuidv7Generator,
    @Inject(SCHEDULER_SETTINGS) private readonly settings: SchedulerSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.running = this.loop();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** One tick: fires every due job this instance wins. Returns how many it fired. */
  async tick(now = new Date()): Promise<number> {
    const due = await this.db.job.findMany({
      where: { nextRunAt: { lte: now } },
      orderBy: { nextRunAt: 'asc' },
      take: this.settings.batchSize,
    });
    let fired = 0;
    for (const job of due) {
      const next = nextRun(job.schedule, now);
      if (!next) continue;
      try {
        await this.db.job.update({
          where: { id: job.id, nextRunAt: job.nextRunAt },
          data: { nextRunAt: next, runs: { create: { id: this.ids.next(), scheduledFor: job.nextRunAt, firedBy: this.id, firedAt: now } } },
        });
        fired++;
      } catch (error) {
        // P2025: another instance fired this run first.
        if (!(typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2025')) throw error;
      }
    }
    this.fired += fired;
    return fired;
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await this.tick();
      } catch (error) {
        this.logger.error(`scheduler tick failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(this.settings.tickMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
