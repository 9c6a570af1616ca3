import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { ORACLE_SERVICE } from '../app.module.js';
import { createOracleApp } from '../create-oracle-app.js';
import { MAX_DECIMALS, MAX_INTEGER_DIGITS } from '../feeds/feed-value.js';

/*
 * The oracle service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

/** Every feed of these tests has two decimals. */
const DECIMALS = 2;
const newFeed = () => ({
  name: `NEO/USD-${randomUUID().slice(0, 13)}`,
  description: 'NEO in US dollars',
  decimals: DECIMALS,
  source: 'test',
});

interface OracleContext {
  /** A feed with one published value. */
  feedId: string;
}

async function registerFeed(http: HttpAgent): Promise<string> {
  return (await http.post('/feeds').send(newFeed()).expect(201)).body.id as string;
}

const feedParam = { in: 'params', path: 'id', kind: 'uuid' } as const;
const pageFields = [
  { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
  { in: 'query', path: 'cursor', kind: 'cursor' },
] as const;

export const httpTable: ServiceHttpTable<OracleContext> = {
  service: ORACLE_SERVICE,
  createApp: ({ topology, flags }) => createOracleApp({ topology, flags }, { logger: false }),
  async setup(http) {
    const feedId = await registerFeed(http);
    await http.post(`/feeds/${feedId}/values`).send({ value: '1.25' }).expect(201);
    return { feedId };
  },
  async mainWriteAndRead(http) {
    const feedId = await registerFeed(http);
    await http.post(`/feeds/${feedId}/values`).send({ value: '12.5', observedAt: '2026-01-31T12:00:00Z' }).expect(201);
    expect((await http.get(`/feeds/${feedId}/latest`).expect(200)).body).toMatchObject({
      value: '12.50',
      observedAt: '2026-01-31T12:00:00.000Z',
    });
    expect((await http.get(`/feeds/${feedId}/values`).expect(200)).body.items).toHaveLength(1);
  },
  endpoints: [
    {
      method: 'POST',
      path: '/feeds',
      valid: () => ({ body: newFeed() }),
      fields: [
        { in: 'body', path: 'name', kind: 'text', maxLength: 100, required: true },
        { in: 'body', path: 'description', kind: 'text', maxLength: 1000 },
        { in: 'body', path: 'decimals', kind: 'integer', min: 0, max: MAX_DECIMALS, required: true },
        { in: 'body', path: 'source', kind: 'text', maxLength: 500, required: true },
      ],
    },
    { method: 'GET', path: '/feeds', valid: () => ({ query: { limit: '2' } }), fields: [...pageFields] },
    { method: 'GET', path: '/feeds/:id', valid: ({ feedId }) => ({ params: { id: feedId } }), fields: [feedParam] },
    {
      method: 'POST',
      path: '/feeds/:id/values',
      valid: ({ feedId }) => ({ params: { id: feedId }, body: { value: '1234.5', observedAt: '2026-01-31T12:00:00Z' } }),
      fields: [
        feedParam,
        {
          in: 'body',
          path: 'value',
          kind: 'decimal',
          integerDigits: MAX_INTEGER_DIGITS,
          fractionDigits: DECIMALS,
          signed: true,
          required: true,
        },
        { in: 'body', path: 'observedAt', kind: 'date-time' },
      ],
    },
    { method: 'GET', path: '/feeds/:id/latest', valid: ({ feedId }) => ({ params: { id: feedId } }), fields: [feedParam] },
    {
      method: 'GET',
      path: '/feeds/:id/values',
      valid: ({ feedId }) => ({ params: { id: feedId }, query: { limit: '2' } }),
      fields: [feedParam, ...pageFields],
    },
  ],
};
