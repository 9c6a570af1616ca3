import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { STORAGE_SERVICE } from '../app.module.js';
import { createStorageApp } from '../create-storage-app.js';

/*
 * The storage service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

const HASH = 'c0ffee'.repeat(10) + 'c0ff';
const newObject = () => ({
  key: `docs/${randomUUID()}.txt`,
  owner: `owner-${randomUUID()}`,
  size: 12,
  contentHash: HASH,
  contentType: 'text/plain',
});

interface StorageContext {
  /** An object that exists. */
  objectId: string;
  /** Creates an object and returns its id (for the deletes). */
  createObject(): Promise<string>;
}

async function createObject(http: HttpAgent): Promise<string> {
  const response = await http.post('/objects').send(newObject()).expect(201);
  return response.body.id as string;
}

/** A well-formed listing cursor (base64url of `[instant, id]`) at any instant. */
const cursorAt = (instant: string) => Buffer.from(JSON.stringify([instant, randomUUID()])).toString('base64url');

export const httpTable: ServiceHttpTable<StorageContext> = {
  service: STORAGE_SERVICE,
  createApp: ({ topology, flags }) => createStorageApp({ topology, flags }, { logger: false }),
  setup: async (http) => ({ objectId: await createObject(http), createObject: () => createObject(http) }),
  async mainWriteAndRead(http) {
    const object = newObject();
    const created = await http.post('/objects').send(object).expect(201);
    const read = await http.get(`/objects/${created.body.id}`).expect(200);
    expect(read.body).toMatchObject({ key: object.key, owner: object.owner, size: 12 });
    const listed = await http.get('/objects').query({ owner: object.owner }).expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
  },
  endpoints: [
    {
      method: 'POST',
      path: '/objects',
      valid: () => ({ body: newObject() }),
      fields: [
        { in: 'body', path: 'key', kind: 'text', maxLength: 1024, required: true },
        { in: 'body', path: 'owner', kind: 'text', maxLength: 255, required: true },
        { in: 'body', path: 'size', kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, required: true },
        { in: 'body', path: 'contentHash', kind: 'text', maxLength: 64, required: true },
        { in: 'body', path: 'contentType', kind: 'text', maxLength: 255 },
      ],
    },
    {
      method: 'GET',
      path: '/objects/:id',
      valid: ({ objectId }) => ({ params: { id: objectId } }),
      fields: [{ in: 'params', path: 'id', kind: 'uuid' }],
    },
    {
      method: 'GET',
      path: '/objects',
      valid: () => ({ query: { owner: `owner-${randomUUID()}`, limit: '2' } }),
      fields: [
        { in: 'query', path: 'owner', kind: 'text', maxLength: 255, required: true },
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor', at: cursorAt },
      ],
    },
    {
      method: 'DELETE',
      path: '/objects/:id',
      valid: async ({ createObject }) => ({ params: { id: await createObject() } }),
      fields: [{ in: 'params', path: 'id', kind: 'uuid' }],
    },
  ],
};
