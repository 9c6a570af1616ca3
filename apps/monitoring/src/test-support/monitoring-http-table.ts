import { randomUUID } from 'node:crypto';
import { type FieldSpec, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { MONITORING_SERVICE } from '../app.module.js';
import { createMonitoringApp } from '../create-monitoring-app.js';
import { MAX_SERIES_LIMIT } from '../samples/dto/series-window.query.js';
import { MAX_SAMPLES_PER_BATCH, SAMPLES_BODY_LIMIT_BYTES } from '../samples/dto/write-samples.dto.js';

/*
 * The monitoring service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

const OPERATOR_TOKEN = `operator-${randomUUID()}`;
const series = () => `cpu.load.${randomUUID()}`;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const sample = (name = series()) => ({ series: name, at: minutesAgo(1), value: 0.5 });
const window = () => ({ from: minutesAgo(60), to: minutesAgo(-60) });

const seriesParam: FieldSpec = { in: 'params', path: 'name', kind: 'text', maxLength: 200 };
const windowFields: FieldSpec[] = [
  { in: 'query', path: 'from', kind: 'date-time', required: true },
  { in: 'query', path: 'to', kind: 'date-time', required: true },
];

export const httpTable: ServiceHttpTable<undefined> = {
  service: MONITORING_SERVICE,
  createApp: ({ topology, flags }) => createMonitoringApp({ topology, flags, operatorToken: OPERATOR_TOKEN }, { logger: false }),
  async mainWriteAndRead(http) {
    const name = series();
    await http
      .post('/samples')
      .send({ samples: [sample(name)] })
      .expect(201);
    const read = await http.get(`/series/${name}`).query(window()).expect(200);
    expect(read.body.samples).toEqual([{ at: expect.any(String), value: 0.5 }]);
    const buckets = await http
      .get(`/series/${name}/downsample`)
      .query({ ...window(), bucket: '1h' })
      .expect(200);
    expect(buckets.body.buckets).toEqual([expect.objectContaining({ count: 1, avg: 0.5 })]);
  },
  endpoints: [
    {
      method: 'POST',
      path: '/samples',
      valid: () => ({ body: { samples: [sample(), sample()] } }),
      bodyLimitBytes: SAMPLES_BODY_LIMIT_BYTES,
      fields: [
        { in: 'body', path: 'samples', kind: 'array', minItems: 1, maxItems: MAX_SAMPLES_PER_BATCH, required: true },
        { in: 'body', path: 'samples[].series', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'samples[].at', kind: 'date-time', required: true },
        { in: 'body', path: 'samples[].value', kind: 'number', required: true },
      ],
    },
    {
      method: 'GET',
      path: '/series/:name',
      valid: () => ({ params: { name: series() }, query: { ...window(), limit: '10' } }),
      fields: [seriesParam, ...windowFields, { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_SERIES_LIMIT }],
    },
    {
      method: 'GET',
      path: '/series/:name/downsample',
      valid: () => ({ params: { name: series() }, query: { ...window(), bucket: '1m' } }),
      fields: [seriesParam, ...windowFields, { in: 'query', path: 'bucket', kind: 'text', maxLength: 20 }],
    },
    {
      method: 'POST',
      path: '/maintenance/partitions',
      valid: () => ({ headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } }),
      fields: [{ in: 'header', path: 'authorization', kind: 'bearer-token' }],
    },
  ],
};
