import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { AUTOMATION_SERVICE } from '../app.module.js';
import { createAutomationApp } from '../create-automation-app.js';

/*
 * The automation service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites). The
 * scheduler is off here: the suites count every row written, and a fired run writes one.
 */

interface AutomationContext {
  jobId: string;
}

const newJob = () => ({ name: `job-${randomUUID()}`, schedule: '0 3 * * *' });

async function createJob(http: HttpAgent): Promise<string> {
  return (await http.post('/jobs').send(newJob()).expect(201)).body.id as string;
}

const jobParam = { in: 'params', path: 'id', kind: 'uuid' } as const;

export const httpTable: ServiceHttpTable<AutomationContext> = {
  service: AUTOMATION_SERVICE,
  createApp: ({ topology, flags }) => createAutomationApp({ topology, flags, scheduler: { enabled: false } }, { logger: false }),
  async setup(http) {
    return { jobId: await createJob(http) };
  },
  async mainWriteAndRead(http) {
    const jobId = await createJob(http);
    expect((await http.get(`/jobs/${jobId}`).expect(200)).body).toMatchObject({ id: jobId, schedule: '0 3 * * *' });
  },
  endpoints: [
    {
      method: 'POST',
      path: '/jobs',
      valid: () => ({ body: newJob() }),
      fields: [
        { in: 'body', path: 'name', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'schedule', kind: 'text', maxLength: 100, required: true },
      ],
    },
    { method: 'GET', path: '/jobs/:id', valid: ({ jobId }) => ({ params: { id: jobId } }), fields: [jobParam] },
    {
      method: 'GET',
      path: '/jobs/:id/runs',
      valid: ({ jobId }) => ({ params: { id: jobId }, query: { limit: '2' } }),
      fields: [
        jobParam,
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor' },
      ],
    },
  ],
};
