import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { CROSSCHAIN_SERVICE } from '../app.module.js';
import { createCrosschainApp } from '../create-crosschain-app.js';

/*
 * The cross-chain service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

interface CrosschainContext {
  transferId: string;
}

const newRequest = () => ({
  idempotencyKey: randomUUID(),
  userId: 'alice',
  sourceChain: 'neo-n3',
  targetChain: 'ethereum',
  asset: 'GAS',
  amount: '12.5',
});

async function requestTransfer(http: HttpAgent): Promise<string> {
  return (await http.post('/transfers').send(newRequest()).expect(201)).body.id as string;
}

const transferParam = { in: 'params', path: 'id', kind: 'uuid' } as const;

export const httpTable: ServiceHttpTable<CrosschainContext> = {
  service: CROSSCHAIN_SERVICE,
  createApp: ({ topology, flags }) => createCrosschainApp({ topology, flags }, { logger: false }),
  async setup(http) {
    return { transferId: await requestTransfer(http) };
  },
  async mainWriteAndRead(http) {
    const transferId = await requestTransfer(http);
    await http.post(`/transfers/${transferId}/transitions`).send({ to: 'locked' }).expect(200);
    expect((await http.get(`/transfers/${transferId}`).expect(200)).body.status).toBe('locked');
  },
  endpoints: [
    {
      method: 'POST',
      path: '/transfers',
      valid: () => ({ body: newRequest() }),
      fields: [
        { in: 'body', path: 'idempotencyKey', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'userId', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'sourceChain', kind: 'text', maxLength: 50, required: true },
        { in: 'body', path: 'targetChain', kind: 'text', maxLength: 50, required: true },
        { in: 'body', path: 'asset', kind: 'text', maxLength: 50, required: true },
        { in: 'body', path: 'amount', kind: 'decimal', integerDigits: 60, fractionDigits: 18, required: true },
      ],
    },
    {
      method: 'GET',
      path: '/transfers',
      valid: () => ({ query: { userId: 'alice', limit: '2' } }),
      fields: [
        { in: 'query', path: 'userId', kind: 'text', maxLength: 200, required: true },
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor' },
      ],
    },
    { method: 'GET', path: '/transfers/:id', valid: ({ transferId }) => ({ params: { id: transferId } }), fields: [transferParam] },
  ],
};
