import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { NOTIFICATION_SERVICE } from '../app.module.js';
import { createNotificationApp } from '../create-notification-app.js';
import { MAX_PAYLOAD_BYTES } from '../messages/dto/send-message.dto.js';

/*
 * The notification service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites). The worker
 * is off here: the suites count every row written, and a delivery attempt writes one.
 */

interface NotificationContext {
  messageId: string;
}

const newMessage = () => ({ recipient: 'http://127.0.0.1:9/hooks/neo', topic: 'transfer.completed', payload: { id: randomUUID() } });

async function sendMessage(http: HttpAgent): Promise<string> {
  return (await http.post('/messages').send(newMessage()).expect(201)).body.id as string;
}

const messageParam = { in: 'params', path: 'id', kind: 'uuid' } as const;

export const httpTable: ServiceHttpTable<NotificationContext> = {
  service: NOTIFICATION_SERVICE,
  createApp: ({ topology, flags }) => createNotificationApp({ topology, flags, worker: { enabled: false } }, { logger: false }),
  async setup(http) {
    return { messageId: await sendMessage(http) };
  },
  async mainWriteAndRead(http) {
    const messageId = await sendMessage(http);
    expect((await http.get(`/messages/${messageId}`).expect(200)).body).toMatchObject({ id: messageId, status: 'pending' });
  },
  endpoints: [
    {
      method: 'POST',
      path: '/messages',
      valid: () => ({ body: newMessage() }),
      fields: [
        { in: 'body', path: 'recipient', kind: 'text', maxLength: 2000, required: true },
        { in: 'body', path: 'topic', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'payload', kind: 'json-object', maxBytes: MAX_PAYLOAD_BYTES, required: true },
      ],
    },
    {
      method: 'GET',
      path: '/messages',
      valid: () => ({ query: { status: 'pending', limit: '2' } }),
      fields: [
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor' },
      ],
    },
    { method: 'GET', path: '/messages/:id', valid: ({ messageId }) => ({ params: { id: messageId } }), fields: [messageParam] },
  ],
};
