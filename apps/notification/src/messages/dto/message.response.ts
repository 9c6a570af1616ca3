import type { Message } from '../../generated/prisma/client.js';

/** A message as the API returns it; dates ISO 8601. */
export interface MessageResponse {
  id: string;
  recipient: string;
  topic: string;
  payload: unknown;
  status: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export function toMessageResponse(message: Message): MessageResponse {
  return {
    id: message.id,
    recipient: message.recipient,
    topic: message.topic,
    payload: message.payload,
    status: message.status,
    attempts: message.attempts,
    maxAttempts: message.maxAttempts,
    nextAttemptAt: message.nextAttemptAt.toISOString(),
    lastError: message.lastError,
    createdAt: message.createdAt.toISOString(),
    deliveredAt: message.deliveredAt?.toISOString() ?? null,
  };
}
