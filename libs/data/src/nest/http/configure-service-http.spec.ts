import { Body, Controller, Get, Module, Param, Post, Query, type INestApplication } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp } from './configure-service-http.js';
import { DateTimeField } from './date-time.field.js';
import { OperatorAccessModule, OperatorOnly } from './operator-access.js';
import { UuidParamPipe } from './uuid-param.pipe.js';

class ItemDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(10)
  name!: string;

  @DateTimeField()
  at!: Date;
}

class WriteDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  key!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items?: ItemDto[];
}

class BulkDto {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

class ListQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;
}

@Controller()
class ProbeController {
  @Post('things')
  write(@Body() body: WriteDto): { key: string; at?: string } {
    return { key: body.key, ...(body.items?.[0] ? { at: body.items[0].at.toISOString() } : {}) };
  }

  @Post('bulk-items')
  bulkItems(@Body() body: BulkDto): { items: number } {
    return { items: body.items.length };
  }

  @Post('bulk')
  bulk(@Body() body: { rows: unknown[] }): { rows: number } {
    return { rows: body.rows.length };
  }

  @Get('things')
  list(@Query() query: ListQuery): { limit: number } {
    return { limit: query.limit };
  }

  @Get('things/:id')
  get(@Param('id', UuidParamPipe) id: string): { id: string } {
    return { id };
  }

  @Post('maintenance')
  @OperatorOnly()
  maintain(): { ran: true } {
    return { ran: true };
  }
}

const TOKEN = 'operator-token-0123456789';

@Module({ imports: [OperatorAccessModule.forRoot(TOKEN)], controllers: [ProbeController] })
class ProbeModule {}

describe('createServiceApp: the HTTP conventions every service shares', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await createServiceApp(ProbeModule, { logger: false, bodyLimits: [{ method: 'POST', path: '/bulk', bytes: 1024 * 1024 }] });
    await app.init();
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
  });

  it('names a missing field as missing, and a value of the wrong kind by its kind, not its range', async () => {
    const missing = await http.post('/things').send({}).expect(400);
    expect(missing.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'INVALID_REQUEST',
      message: ['key is required'],
      fields: [{ field: 'key', message: 'key is required' }],
    });
    expect((await http.get('/things?limit=abc').expect(400)).body.message).toEqual(['limit must be an integer number']);
    expect((await http.get('/things?limit=1000').expect(400)).body.message).toEqual(['limit must not be greater than 100']);
    expect((await http.post('/things').send({ key: '' }).expect(400)).body.message).toEqual(['key should not be empty']);
    expect((await http.post('/things').send({ key: 'k', extra: 1 }).expect(400)).body.message).toEqual([
      'extra is not a field of this request; remove it',
    ]);
  });

  it('refuses a body that is not an object, and names at most 20 fields', async () => {
    for (const body of ['[]', '[{"key":"k"}]', '"key"', '12', 'null']) {
      const response = await http.post('/things').set('content-type', 'application/json').send(body);
      expect(response.status, body).toBe(400);
    }
    const list = await http.post('/things').set('content-type', 'application/json').send('[{"key":"k"}]').expect(400);
    expect(list.body.fields).toEqual([{ field: 'body', message: 'the request body must be a JSON object' }]);
    const many = await http
      .post('/bulk-items')
      .send({ items: Array.from({ length: 100 }, () => ({ name: 1, at: 'x' })) })
      .expect(400);
    expect(many.body.fields).toHaveLength(21);
    expect(many.body.fields[20]).toEqual({ field: '…', message: 'and 180 more fields like these' });
  });

  it('names fields inside lists by their path', async () => {
    const response = await http
      .post('/things')
      .send({
        key: 'k',
        items: [
          { name: 'ok', at: '2026-01-01T00:00:00Z' },
          { name: 12, at: '2026-02-30T00:00:00Z' },
        ],
      })
      .expect(400);
    expect(response.body.fields).toEqual([
      { field: 'items[1].name', message: 'items[1].name must be a string' },
      { field: 'items[1].at', message: 'items[1].at must be an ISO 8601 date-time with a time zone, such as "2026-01-31T12:00:00Z"' },
    ]);
  });

  it('takes instants of the years 1 to 9999 only', async () => {
    const ok = await http
      .post('/things')
      .send({ key: 'k', items: [{ name: 'a', at: '2026-01-31T13:00:00+01:00' }] })
      .expect(201);
    expect(ok.body.at).toBe('2026-01-31T12:00:00.000Z');
    const early = await http
      .post('/things')
      .send({ key: 'k', items: [{ name: 'a', at: '0001-01-01T00:00:00+01:00' }] })
      .expect(400);
    expect(early.body.message).toEqual(['items[0].at must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z']);
  });

  it('refuses NUL and deep nesting before validation, naming the field', async () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const nested = await http.post('/things').set('content-type', 'application/json').send(`{"key":${deep}}`).expect(400);
    expect(nested.body.fields).toEqual([{ field: 'key', message: 'key is nested more than 32 levels deep; send a flatter value' }]);
    expect((await http.get('/things/%00').expect(400)).body.fields[0].field).toBe('id');
  });

  it('answers bodies it cannot read: 415 for non-JSON, 400 for broken JSON, 413 naming the route limit', async () => {
    const form = await http.post('/things').type('form').send('key=a').expect(415);
    expect(form.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('application/json') });
    const broken = await http.post('/things').set('content-type', 'application/json').send('{"key":').expect(400);
    expect(broken.body).toMatchObject({ code: 'MALFORMED_JSON' });
    const large = await http
      .post('/things')
      .send({ key: 'x'.repeat(200 * 1024) })
      .expect(413);
    expect(large.body).toMatchObject({ code: 'BODY_TOO_LARGE', message: expect.stringContaining('100 KB POST /things takes') });
    // The route with a larger limit takes it.
    expect(
      (
        await http
          .post('/bulk')
          .send({ rows: Array.from({ length: 2_000 }, () => 'x'.repeat(100)) })
          .expect(201)
      ).body,
    ).toEqual({
      rows: 2_000,
    });
  });

  it('names a path parameter that is no UUID, and lower-cases one that is', async () => {
    const bad = await http.get('/things/not-a-uuid').expect(400);
    expect(bad.body.message).toEqual(['id must be a UUID such as "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b"']);
    const id = '0195A3C4-5B6D-7E8F-9A0B-1C2D3E4F5A6B';
    expect((await http.get(`/things/${id}`).expect(200)).body).toEqual({ id: id.toLowerCase() });
  });

  it('lets only the operator credential through to operator actions', async () => {
    const anonymous = await http.post('/maintenance').expect(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="neo operator"');
    await http.post('/maintenance').set('authorization', 'Bearer wrong').expect(401);
    await http.post('/maintenance').set('authorization', `Bearer ${TOKEN} extra`).expect(401);
    expect((await http.post('/maintenance').set('authorization', `Bearer ${TOKEN}`).expect(201)).body).toEqual({ ran: true });
  });

  it('does not announce what runs it', async () => {
    const response = await http.get('/things').expect(200);
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});
