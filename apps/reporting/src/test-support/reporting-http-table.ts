import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type FieldSpec, type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { REPORTING_SERVICE } from '../app.module.js';
import { createReportingApp } from '../create-reporting-app.js';
import { MAX_WINDOW_DAYS } from '../definitions/dto/create-definition.dto.js';
import { VALUE_FRACTION_DIGITS, VALUE_INTEGER_DIGITS } from '../inputs/dto/decimal-value.js';
import { INPUTS_BODY_LIMIT_BYTES, MAX_INPUTS_PER_BATCH } from '../inputs/dto/record-inputs.dto.js';

/*
 * The reporting service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

interface ReportingContext {
  definitionId: string;
  reportId: string;
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const input = (metric = 'payments.volume') => ({
  id: randomUUID(),
  metric,
  dimension: 'eu',
  value: '12.5',
  occurredAt: minutesAgo(1),
});
const newDefinition = (metric = 'payments.volume') => ({
  name: `report-${randomUUID()}`,
  description: 'volume per hour and region',
  metric,
  aggregate: 'sum',
  interval: 'hour',
  groupByDimension: true,
  windowDays: 2,
});
const window = () => ({ from: minutesAgo(60 * 24), to: minutesAgo(-1) });

async function createDefinition(http: HttpAgent, metric?: string): Promise<string> {
  return (await http.post('/definitions').send(newDefinition(metric)).expect(201)).body.id as string;
}

const pageFields: FieldSpec[] = [
  { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
  { in: 'query', path: 'cursor', kind: 'cursor' },
];

export const httpTable: ServiceHttpTable<ReportingContext> = {
  service: REPORTING_SERVICE,
  createApp: ({ topology, flags }) => createReportingApp({ topology, flags }, { logger: false }),
  async setup(http) {
    const definitionId = await createDefinition(http);
    const reportId = (await http.post(`/definitions/${definitionId}/reports`).send(window()).expect(201)).body.id as string;
    return { definitionId, reportId };
  },
  async mainWriteAndRead(http) {
    const metric = `payments.volume.${randomUUID()}`;
    await http
      .post('/inputs')
      .send({ inputs: [input(metric), input(metric)] })
      .expect(201);
    const definitionId = await createDefinition(http, metric);
    const report = await http.post(`/definitions/${definitionId}/reports`).send(window()).expect(201);
    expect(report.body.rows).toEqual([expect.objectContaining({ dimension: 'eu', value: '25' })]);
    expect((await http.get(`/reports/${report.body.id}`).expect(200)).body).toEqual(report.body);
  },
  endpoints: [
    {
      method: 'POST',
      path: '/inputs',
      valid: () => ({ body: { inputs: [input(), input()] } }),
      bodyLimitBytes: INPUTS_BODY_LIMIT_BYTES,
      fields: [
        { in: 'body', path: 'inputs', kind: 'array', minItems: 1, maxItems: MAX_INPUTS_PER_BATCH, required: true },
        { in: 'body', path: 'inputs[].id', kind: 'uuid', required: true },
        { in: 'body', path: 'inputs[].metric', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'inputs[].dimension', kind: 'text', maxLength: 200 },
        {
          in: 'body',
          path: 'inputs[].value',
          kind: 'decimal',
          integerDigits: VALUE_INTEGER_DIGITS,
          fractionDigits: VALUE_FRACTION_DIGITS,
          signed: true,
          required: true,
        },
        { in: 'body', path: 'inputs[].occurredAt', kind: 'date-time', required: true },
      ],
    },
    {
      method: 'POST',
      path: '/definitions',
      valid: () => ({ body: newDefinition() }),
      fields: [
        { in: 'body', path: 'name', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'description', kind: 'text', maxLength: 2_000 },
        { in: 'body', path: 'metric', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'aggregate', kind: 'text', maxLength: 5, required: true },
        { in: 'body', path: 'interval', kind: 'text', maxLength: 4, required: true },
        { in: 'body', path: 'windowDays', kind: 'integer', min: 1, max: MAX_WINDOW_DAYS },
      ],
    },
    {
      method: 'GET',
      path: '/definitions',
      valid: () => ({ query: { limit: '2' } }),
      fields: pageFields,
    },
    {
      method: 'GET',
      path: '/definitions/:id',
      valid: ({ definitionId }) => ({ params: { id: definitionId } }),
      fields: [{ in: 'params', path: 'id', kind: 'uuid' }],
    },
    {
      method: 'POST',
      path: '/definitions/:id/reports',
      valid: ({ definitionId }) => ({ params: { id: definitionId }, body: window() }),
      fields: [
        { in: 'params', path: 'id', kind: 'uuid' },
        { in: 'body', path: 'from', kind: 'date-time' },
        { in: 'body', path: 'to', kind: 'date-time' },
      ],
    },
    {
      method: 'GET',
      path: '/definitions/:id/reports',
      valid: ({ definitionId }) => ({ params: { id: definitionId }, query: { limit: '2' } }),
      fields: [{ in: 'params', path: 'id', kind: 'uuid' }, ...pageFields],
    },
    {
      method: 'GET',
      path: '/reports/:id',
      valid: ({ reportId }) => ({ params: { id: reportId } }),
      fields: [{ in: 'params', path: 'id', kind: 'uuid' }],
    },
  ],
};
