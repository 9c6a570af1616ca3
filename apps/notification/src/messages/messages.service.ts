import { Inject, Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { newestFirstPages, Uuidv7Generator, withReadConsistency, type Page } from '@neo/data';
import { WORKER_SETTINGS, type WorkerSettings } from '../delivery/worker-settings.js';
import type { NotificationDb } from '../notification-db.js';
import type { MessageStatus } from './dto/list-messages.query.js';
import { toMessageResponse, type MessageResponse } from './dto/message.response.js';
import { InvalidMessagesCursorError, MessageNotFoundError, NotADeadLetterError } from './message.errors.js';

const pages = newestFirstPages('createdAt', (options) => new InvalidMessagesCursorError(options));

export interface NewMessage {
  recipient: string;
  topic: string;
  payload: Record<string, unknown>;
}

/** The outbox as the API sees it: messages go in, their progress and the dead letters come out. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectDataClient() private readonly db: NotificationDb,
    private readonly ids: Uuidv7Generator,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
  ) {}

  /** Queues a message; a worker of some instance delivers it (the call does not wait for that). */
  async send(input: NewMessage): Promise<MessageResponse> {
    const now = new Date();
    const message = await this.db.message.create({
      data: {
        id: this.ids.next(),
        recipient: input.recipient,
        topic: input.topic,
        payload: input.payload as object,
        status: 'pending',
        maxAttempts: this.settings.maxAttempts,
        nextAttemptAt: now,
        createdAt: now,
      },
    });
    return toMessageResponse(message);
  }

  async get(id: string): Promise<MessageResponse> {
    const message = await this.db.message.findUnique({ where: { id } });
    if (!message) throw new MessageNotFoundError(id);
    return toMessageResponse(message);
  }

  /** The messages in one status, newest first, `limit` at a time. */
  async list(query: { status: MessageStatus; limit: number; cursor?: string }): Promise<Page<MessageResponse>> {
    const after = query.cursor === undefined ? undefined : pages.decode(query.cursor);
    const rows = await this.db.message.findMany({
      where: { status: query.status, ...pages.after(after) },
      orderBy: pages.orderBy,
      take: query.limit + 1,
    });
    const page = pages.page(rows, query.limit);
    return { items: page.items.map(toMessageResponse), nextCursor: page.nextCursor };
  }

  /** Sends a dead letter again, with a fresh set of attempts. */
  async retry(id: string): Promise<MessageResponse> {
    try {
      // Only a dead message matches; its row as updated comes back (a worker may claim it the next moment).
      const message = await this.db.message.update({
        where: { id, status: 'dead' },
        data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), maxAttempts: this.settings.maxAttempts },
      });
      return toMessageResponse(message);
    } catch (error) {
      if (!isRecordNotFound(error)) throw error;
    }
    const message = await withReadConsistency('primary', () => this.db.message.findUnique({ where: { id } }));
    if (!message) throw new MessageNotFoundError(id);
    throw new NotADeadLetterError(id, message.status);
  }
}

/** Prisma's P2025: no row matched the update's `where`. */
function isRecordNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2025';
}
