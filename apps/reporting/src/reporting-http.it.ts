import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { describeHttpSuites, type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { REPORTING_SERVICE } from './app.module.js';
import { createReportingApp } from './create-reporting-app.js';

/*
 * The reporting service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

interface ReportingContext {
  itemId: string;
}

const newItem = () => ({ name: `item-${randomUUID()}` });

async function createItem(http: HttpAgent): Promise<string> {
  return (await http.post('/items').send(newItem()).expect(201)).body.id as string;
}

const table: ServiceHttpTable<ReportingContext> = {
  service: REPORTING_SERVICE,
  createApp: ({ topology, flags }) => createReportingApp({ topology, flags }, { logger: false }),
  async setup(http) {
    return { itemId: await createItem(http) };
  },
  async mainWriteAndRead(http) {
    const itemId = await createItem(http);
    expect((await http.get(`/items/${itemId}`).expect(200)).body).toMatchObject({ id: itemId });
  },
  endpoints: [
    {
      method: 'POST',
      path: '/items',
      valid: () => ({ body: newItem() }),
      fields: [{ in: 'body', path: 'name', kind: 'text', maxLength: 200, required: true }],
    },
    {
      method: 'GET',
      path: '/items',
      valid: () => ({ query: { limit: '2' } }),
      fields: [
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor' },
      ],
    },
    {
      method: 'GET',
      path: '/items/:id',
      valid: ({ itemId }) => ({ params: { id: itemId } }),
      fields: [{ in: 'params', path: 'id', kind: 'uuid' }],
    },
  ],
};

describeHttpSuites(table);
