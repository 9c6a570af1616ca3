import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureServiceHttp, DATA_CLIENT } from '@neo/data/nest';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpOptions } from '../http/configure-http.js';
import { Uuidv7Generator } from '@neo/data';
import { FakeStorageDb } from './fake-storage-db.js';
import { ObjectsController } from './objects.controller.js';
import { ObjectsService } from './objects.service.js';

const valid = { key: 'photos/cat.jpg', owner: 'alice', size: 2048, contentHash: 'ab'.repeat(32), contentType: 'image/jpeg' };

describe('ObjectsController over HTTP (in-memory client)', () => {
  let app: INestApplication;
  let db: FakeStorageDb;

  beforeEach(async () => {
    db = new FakeStorageDb();
    const moduleRef = await Test.createTestingModule({
      controllers: [ObjectsController],
      providers: [ObjectsService, Uuidv7Generator, { provide: DATA_CLIENT, useValue: db.asStorageDb() }],
    }).compile();
    app = configureServiceHttp(moduleRef.createNestApplication({ logger: false }), httpOptions);
    await app.init();
  });

  afterEach(async () => {
    await app.close();
  });

  it('creates (201) and reads back an object with size as a JSON number', async () => {
    const created = await request(app.getHttpServer()).post('/objects').send(valid).expect(201);
    expect(created.body).toMatchObject({ ...valid, id: expect.any(String), createdDate: expect.any(String) });
    const read = await request(app.getHttpServer()).get(`/objects/${created.body.id}`).expect(200);
    expect(read.body).toEqual(created.body);
  });

  it('accepts an upper-case hash and stores it lower-case', async () => {
    const created = await request(app.getHttpServer())
      .post('/objects')
      .send({ ...valid, contentHash: 'AB'.repeat(32) })
      .expect(201);
    expect(created.body.contentHash).toBe('ab'.repeat(32));
  });

  it.each([
    ['a missing key', { ...valid, key: undefined }, 'key'],
    ['a negative size', { ...valid, size: -1 }, 'size'],
    ['a fractional size', { ...valid, size: 1.5 }, 'size'],
    ['a size given as text', { ...valid, size: '12' }, 'size'],
    ['a short hash', { ...valid, contentHash: 'abc' }, 'contentHash'],
    ['a content type that is no MIME type', { ...valid, contentType: 'jpeg' }, 'contentType'],
    ['an unknown field', { ...valid, bucket: 'x' }, 'bucket'],
  ])('answers 400 naming the field for %s', async (_label, body, field) => {
    const response = await request(app.getHttpServer()).post('/objects').send(body).expect(400);
    expect(JSON.stringify(response.body.message)).toContain(field);
    expect(db.rows.size).toBe(0);
  });

  it('answers 409 for a second object with the same owner and key', async () => {
    await request(app.getHttpServer()).post('/objects').send(valid).expect(201);
    const conflict = await request(app.getHttpServer())
      .post('/objects')
      .send({ ...valid, size: 1 })
      .expect(409);
    expect(conflict.body.message).toContain('already has an object');
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    await request(app.getHttpServer()).get('/objects/not-a-uuid').expect(400);
    await request(app.getHttpServer()).get('/objects/01956d8e-7a4b-7c3d-8e2f-1a2b3c4d5e6f').expect(404);
    await request(app.getHttpServer()).delete('/objects/not-a-uuid').expect(400);
  });

  it('deletes (204), then answers 404', async () => {
    const { body } = await request(app.getHttpServer()).post('/objects').send(valid).expect(201);
    await request(app.getHttpServer()).delete(`/objects/${body.id}`).expect(204);
    await request(app.getHttpServer()).delete(`/objects/${body.id}`).expect(404);
  });

  it('lists with a limit and a cursor, and validates both', async () => {
    for (let i = 0; i < 3; i++) {
      await request(app.getHttpServer())
        .post('/objects')
        .send({ ...valid, key: `k${i}` })
        .expect(201);
    }
    const first = await request(app.getHttpServer()).get('/objects').query({ owner: 'alice', limit: 2 }).expect(200);
    expect(first.body.items.map((item: { key: string }) => item.key)).toEqual(['k2', 'k1']);
    const second = await request(app.getHttpServer())
      .get('/objects')
      .query({ owner: 'alice', limit: 2, cursor: first.body.nextCursor })
      .expect(200);
    expect(second.body).toMatchObject({ items: [{ key: 'k0' }], nextCursor: null });

    await request(app.getHttpServer()).get('/objects').query({ limit: 2 }).expect(400);
    const tooMany = await request(app.getHttpServer()).get('/objects').query({ owner: 'alice', limit: 1000 }).expect(400);
    expect(JSON.stringify(tooMany.body.message)).toContain('limit');
    await request(app.getHttpServer()).get('/objects').query({ owner: 'alice', cursor: 'nonsense' }).expect(400);
  });

  it('answers a bare 500 for an unexpected failure, with no stack or detail', async () => {
    db.storageObject.findFirst = async () => {
      throw new Error('connect to postgresql://storage:s3cret@10.0.0.5:5432 failed');
    };
    const response = await request(app.getHttpServer()).get('/objects/01956d8e-7a4b-7c3d-8e2f-1a2b3c4d5e6f').expect(500);
    expect(response.body).toEqual({ statusCode: 500, message: 'Internal server error' });
  });
});
