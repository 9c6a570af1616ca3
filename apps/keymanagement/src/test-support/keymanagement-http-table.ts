import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { KEYMANAGEMENT_SERVICE } from '../app.module.js';
import { createKeymanagementApp } from '../create-keymanagement-app.js';
import { MAX_PLAINTEXT_BASE64_LENGTH } from '../keys/dto/encrypt.dto.js';

/*
 * The key management service's endpoints and fields, for the shared HTTP suites: its main write
 * and read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

interface KeymanagementContext {
  keyId: string;
  ciphertext: string;
}

const newKey = () => ({ name: `key-${randomUUID()}` });

async function createKey(http: HttpAgent): Promise<string> {
  return (await http.post('/keys').send(newKey()).expect(201)).body.id as string;
}

const keyParam = { in: 'params', path: 'id', kind: 'uuid' } as const;

export const httpTable: ServiceHttpTable<KeymanagementContext> = {
  service: KEYMANAGEMENT_SERVICE,
  createApp: ({ topology, flags }) => createKeymanagementApp({ topology, flags }, { logger: false }),
  async setup(http) {
    const keyId = await createKey(http);
    const { ciphertext } = (await http.post(`/keys/${keyId}/encrypt`).send({ plaintext: 'aGVsbG8=' }).expect(200)).body as {
      ciphertext: string;
    };
    return { keyId, ciphertext };
  },
  async mainWriteAndRead(http) {
    const keyId = await createKey(http);
    await http.post(`/keys/${keyId}/rotate`).expect(201);
    const sealed = await http.post(`/keys/${keyId}/encrypt`).send({ plaintext: 'aGVsbG8=' }).expect(200);
    expect(sealed.body.version).toBe(2);
    expect((await http.post(`/keys/${keyId}/decrypt`).send({ ciphertext: sealed.body.ciphertext }).expect(200)).body.plaintext).toBe(
      'aGVsbG8=',
    );
  },
  endpoints: [
    {
      method: 'POST',
      path: '/keys',
      valid: () => ({ body: newKey() }),
      fields: [{ in: 'body', path: 'name', kind: 'text', maxLength: 100, required: true }],
    },
    {
      method: 'GET',
      path: '/keys',
      valid: () => ({ query: { limit: '2' } }),
      fields: [
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor' },
      ],
    },
    { method: 'GET', path: '/keys/:id', valid: ({ keyId }) => ({ params: { id: keyId } }), fields: [keyParam] },
    { method: 'POST', path: '/keys/:id/rotate', valid: ({ keyId }) => ({ params: { id: keyId } }), fields: [keyParam] },
    {
      method: 'POST',
      path: '/keys/:id/encrypt',
      valid: ({ keyId }) => ({ params: { id: keyId }, body: { plaintext: 'aGVsbG8=' } }),
      fields: [keyParam, { in: 'body', path: 'plaintext', kind: 'text', maxLength: MAX_PLAINTEXT_BASE64_LENGTH, required: true }],
    },
    {
      method: 'POST',
      path: '/keys/:id/decrypt',
      valid: ({ keyId, ciphertext }) => ({ params: { id: keyId }, body: { ciphertext } }),
      fields: [keyParam, { in: 'body', path: 'ciphertext', kind: 'text', maxLength: MAX_PLAINTEXT_BASE64_LENGTH + 100, required: true }],
    },
  ],
};
