import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Deliverer } from './webhook-deliverer.js';
import { MessageOutbox } from './message-outbox.js';
import { WORKER_SETTINGS, type WorkerSettings } from './worker-settings.js';

/**
 * An instance's delivery loop: claim due messages, deliver them concurrently, record each
 * outcome, and sleep `pollIntervalMs` only when nothing was due. Every instance runs one; the
 * outbox's claims keep them from ever holding one message at the same time.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  /** Unique per process and start, so a restarted instance never mistakes an old claim for its own. */
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** What this worker has done since it started. */
  readonly stats = { delivered: 0, retried: 0, dead: 0 };
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly outbox: MessageOutbox,
    private readonly deliverer: Deliverer,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.running = this.loop();
  }

  /** Stops claiming and waits for the deliveries in flight to be recorded (before the data module closes its pools). */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** One round: claims, delivers and records a batch. Returns how many messages it handled. */
  async runOnce(): Promise<number> {
    const batch = await this.outbox.claim(this.id);
    await Promise.all(
      batch.map(async (delivery) => {
        try {
          await this.deliverer.deliver(delivery);
        } catch (error) {
          const outcome = await this.outbox.failed(delivery, this.id, error);
          if (outcome === 'retry') this.stats.retried++;
          if (outcome === 'dead') {
            this.stats.dead++;
            this.logger.warn(`message ${delivery.id} is a dead letter after ${delivery.attempt} attempts`);
          }
          return;
        }
        this.stats.delivered++;
        if (!(await this.outbox.delivered(delivery, this.id))) {
          this.logger.warn(`message ${delivery.id} was delivered after its claim expired`);
        }
      }),
    );
    return batch.length;
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (error) {
        // The database may be away for a moment (a failover, a cutover fence): try again next round.
        this.logger.error(`delivery round failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (handled === 0) await sleep(this.settings.pollIntervalMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
