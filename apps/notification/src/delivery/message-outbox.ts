import { Inject, Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import type { NotificationDb } from '../notification-db.js';
import { backoffDelayMs } from './backoff.js';
import type { Delivery } from './webhook-deliverer.js';
import { WORKER_SETTINGS, type WorkerSettings } from './worker-settings.js';

interface ClaimedRow {
  id: string;
  recipient: string;
  topic: string;
  payload: unknown;
  attempts: number;
}

/** Longest `last_error` kept: enough to tell why, never a whole response body. */
const MAX_ERROR_LENGTH = 500;

/**
 * The outbox's claims and outcomes, shared by every worker of every instance through the
 * database alone. A claim marks due messages `delivering` for one worker until its lease ends,
 * in one statement whose `FOR UPDATE SKIP LOCKED` makes concurrent claims take disjoint rows
 * (rather than wait for, or take, each other's). An outcome is recorded only by the worker that
 * still holds the claim, so a worker whose lease expired cannot overwrite its successor's.
 */
@Injectable()
export class MessageOutbox {
  constructor(
    @InjectDataClient() private readonly db: NotificationDb,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Up to `batchSize` due messages, now claimed by `workerId` (their attempt counted). */
  async claim(workerId: string, now = new Date()): Promise<Delivery[]> {
    const leaseEnd = new Date(now.getTime() + this.settings.leaseMs);
    const rows = await this.db.$queryRaw<ClaimedRow[]>`
      UPDATE messages
         SET status = 'delivering', claimed_by = ${workerId}, claimed_until = ${leaseEnd}, attempts = attempts + 1
       WHERE id IN (
             SELECT id FROM messages
              WHERE (status = 'pending' AND next_attempt_at <= ${now})
                 OR (status = 'delivering' AND claimed_until < ${now})
              ORDER BY next_attempt_at
              LIMIT ${this.settings.batchSize}
                FOR UPDATE SKIP LOCKED)
      RETURNING id, recipient, topic, payload, attempts`;
    return rows.map((row) => ({
      id: row.id,
      recipient: row.recipient,
      topic: row.topic,
      payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
      attempt: row.attempts,
    }));
  }

  /** Records a delivery; false when the claim was lost meanwhile (the lease ran out). */
  async delivered(delivery: Delivery, workerId: string, now = new Date()): Promise<boolean> {
    const { count } = await this.db.message.updateMany({
      where: { id: delivery.id, status: 'delivering', claimedBy: workerId },
      data: { status: 'delivered', deliveredAt: now, claimedBy: null, claimedUntil: null, lastError: null },
    });
    return count === 1;
  }

  /** Records a failed attempt: back to pending after a backoff, or a dead letter after the last attempt. */
  async failed(delivery: Delivery, workerId: string, error: unknown, now = new Date()): Promise<'retry' | 'dead' | 'lost'> {
    const message = await this.db.message.findUnique({ where: { id: delivery.id }, select: { maxAttempts: true } });
    const dead = message !== null && delivery.attempt >= message.maxAttempts;
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
    const { count } = await this.db.message.updateMany({
      where: { id: delivery.id, status: 'delivering', claimedBy: workerId },
      data: {
        status: dead ? 'dead' : 'pending',
        nextAttemptAt: new Date(now.getTime() + (dead ? 0 : backoffDelayMs(delivery.attempt, this.settings.backoff))),
        claimedBy: null,
        claimedUntil: null,
        lastError,
      },
    });
    if (count === 0) return 'lost';
    return dead ? 'dead' : 'retry';
  }
}
