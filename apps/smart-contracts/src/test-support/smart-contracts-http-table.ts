import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type FieldSpec, type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { SMART_CONTRACTS_SERVICE } from '../app.module.js';
import { createSmartContractsApp } from '../create-smart-contracts-app.js';
import { MAX_BATCH_SIZE } from '../transactions/dto/submit-batch.dto.js';
import { MAX_PAYLOAD_BYTES } from '../transactions/dto/submit-transaction.dto.js';

/*
 * The smart-contracts service's endpoints and fields, for the shared HTTP suites: its main write
 * and read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

const newContract = () => ({ name: `token-${randomUUID()}`, scriptHash: `0x${randomBytes(20).toString('hex')}` });
const userId = () => randomInt(1, 1_000_000);

interface SmartContractsContext {
  contractId: string;
  userId: number;
  /** A transaction of `userId`. */
  transactionId: string;
}

async function registerContract(http: HttpAgent): Promise<string> {
  return (await http.post('/contracts').send(newContract()).expect(201)).body.id as string;
}

/** A well-formed listing cursor (base64url of `[instant, id]`) at any instant. */
const cursorAt = (instant: string) => Buffer.from(JSON.stringify([instant, randomUUID()])).toString('base64url');

/** The largest amount the column holds: it must come back digit for digit. */
const LARGEST_AMOUNT = '999999999999999999999999999999.99999999';

const transaction = (contractId: string) => ({
  contractId,
  userId: userId(),
  method: 'transfer',
  amount: LARGEST_AMOUNT,
  payload: { to: 'NZ3bqkNmEzCiYtiDwLf4Ppr1ZJB1MNzTwH', memo: 'rent' },
});

/** The fields of a transaction, at the body's top level (`''`) or inside the batch's list (`transactions[].`). */
const transactionFields = (prefix: string): FieldSpec[] => [
  { in: 'body', path: `${prefix}contractId`, kind: 'uuid', required: true },
  { in: 'body', path: `${prefix}userId`, kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, required: true },
  { in: 'body', path: `${prefix}method`, kind: 'text', maxLength: 100, required: true },
  { in: 'body', path: `${prefix}amount`, kind: 'decimal', integerDigits: 30, fractionDigits: 8 },
  { in: 'body', path: `${prefix}payload`, kind: 'json-object', maxBytes: MAX_PAYLOAD_BYTES },
];

const pageFields: FieldSpec[] = [
  { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
  { in: 'query', path: 'cursor', kind: 'cursor', at: cursorAt },
];
const userParam: FieldSpec = { in: 'params', path: 'userId', kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER };

export const httpTable: ServiceHttpTable<SmartContractsContext> = {
  service: SMART_CONTRACTS_SERVICE,
  createApp: ({ topology, flags }) => createSmartContractsApp({ topology, flags }, { logger: false }),
  async setup(http) {
    const contractId = await registerContract(http);
    const submitted = await http.post('/transactions').send(transaction(contractId)).expect(201);
    return { contractId, userId: submitted.body.userId as number, transactionId: submitted.body.id as string };
  },
  async mainWriteAndRead(http) {
    const contractId = await registerContract(http);
    const submitted = await http.post('/transactions').send(transaction(contractId)).expect(201);
    const { id, userId } = submitted.body as { id: string; userId: number };
    expect((await http.get(`/users/${userId}/transactions/${id}`).expect(200)).body).toMatchObject({ id, amount: LARGEST_AMOUNT });
    expect((await http.get(`/users/${userId}/transactions`).expect(200)).body.items.map((item: { id: string }) => item.id)).toEqual([id]);
  },
  endpoints: [
    {
      method: 'POST',
      path: '/contracts',
      valid: () => ({ body: newContract() }),
      fields: [
        { in: 'body', path: 'name', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'scriptHash', kind: 'text', maxLength: 42, required: true },
      ],
    },
    {
      method: 'GET',
      path: '/contracts/:id',
      valid: ({ contractId }) => ({ params: { id: contractId } }),
      fields: [{ in: 'params', path: 'id', kind: 'uuid' }],
    },
    {
      method: 'POST',
      path: '/transactions',
      valid: ({ contractId }) => ({ body: transaction(contractId) }),
      fields: transactionFields(''),
    },
    {
      method: 'POST',
      path: '/transactions/batch',
      // One user: a batch is written in one database transaction, on one shard.
      valid: ({ contractId }) => {
        const user = userId();
        return { body: { transactions: [0, 1].map(() => ({ ...transaction(contractId), userId: user })) } };
      },
      fields: [
        { in: 'body', path: 'transactions', kind: 'array', minItems: 1, maxItems: MAX_BATCH_SIZE, required: true },
        ...transactionFields('transactions[].'),
      ],
    },
    { method: 'GET', path: '/transactions/recent', valid: () => ({ query: { limit: '2' } }), fields: pageFields },
    {
      method: 'GET',
      path: '/transactions/:id',
      valid: ({ transactionId }) => ({ params: { id: transactionId } }),
      fields: [{ in: 'params', path: 'id', kind: 'uuid' }],
    },
    {
      method: 'GET',
      path: '/users/:userId/transactions',
      valid: ({ userId }) => ({ params: { userId: String(userId) }, query: { limit: '2' } }),
      fields: [userParam, ...pageFields],
    },
    {
      method: 'GET',
      path: '/users/:userId/transactions/:id',
      valid: ({ userId, transactionId }) => ({ params: { userId: String(userId), id: transactionId } }),
      fields: [userParam, { in: 'params', path: 'id', kind: 'uuid' }],
    },
  ],
};
