import { randomUUID } from 'node:crypto';
import { type FieldSpec, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { ANALYTICS_SERVICE } from '../app.module.js';
import { createAnalyticsApp } from '../create-analytics-app.js';
import { EVENTS_BODY_LIMIT_BYTES, MAX_EVENTS_PER_BATCH, MAX_PROPERTIES_BYTES } from '../events/dto/record-events.dto.js';

/*
 * The analytics service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const event = (name = `wallet.opened.${randomUUID()}`) => ({
  id: randomUUID(),
  name,
  userId: 'alice',
  value: 2.5,
  properties: { app: 'neo-wallet' },
  occurredAt: minutesAgo(1),
});
const window = () => ({ from: minutesAgo(60 * 48), to: minutesAgo(-60) });

const rangeFields: FieldSpec[] = [
  { in: 'query', path: 'from', kind: 'date-time', required: true },
  { in: 'query', path: 'to', kind: 'date-time', required: true },
];

export const httpTable: ServiceHttpTable<undefined> = {
  service: ANALYTICS_SERVICE,
  createApp: ({ topology, flags }) => createAnalyticsApp({ topology, flags }, { logger: false }),
  async mainWriteAndRead(http) {
    const name = `wallet.opened.${randomUUID()}`;
    await http
      .post('/events')
      .send({ events: [event(name), event(name)] })
      .expect(201);
    const hours = await http
      .get('/rollups')
      .query({ name, bucket: 'hour', ...window() })
      .expect(200);
    expect(hours.body.items).toEqual([expect.objectContaining({ count: 2, valueSum: 5 })]);
  },
  endpoints: [
    {
      method: 'POST',
      path: '/events',
      valid: () => ({ body: { events: [event(), event()] } }),
      bodyLimitBytes: EVENTS_BODY_LIMIT_BYTES,
      fields: [
        { in: 'body', path: 'events', kind: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_BATCH, required: true },
        { in: 'body', path: 'events[].id', kind: 'uuid', required: true },
        { in: 'body', path: 'events[].name', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'events[].userId', kind: 'text', maxLength: 200 },
        { in: 'body', path: 'events[].value', kind: 'number' },
        { in: 'body', path: 'events[].properties', kind: 'json-object', maxBytes: MAX_PROPERTIES_BYTES },
        { in: 'body', path: 'events[].occurredAt', kind: 'date-time', required: true },
      ],
    },
    {
      method: 'GET',
      path: '/rollups',
      valid: () => ({ query: { name: 'wallet.opened', bucket: 'day', ...window() } }),
      fields: [{ in: 'query', path: 'name', kind: 'text', maxLength: 200, required: true }, ...rangeFields],
    },
  ],
};
