import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { SECURITY_SERVICE } from '../app.module.js';
import { createSecurityApp } from '../create-security-app.js';
import { MAX_TTL_SECONDS } from '../credentials/dto/issue-credential.dto.js';

/*
 * The security service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

interface SecurityContext {
  credentialId: string;
  token: string;
}

const newCredential = () => ({ name: `ci-${randomUUID()}`, owner: 'svc-deployer', ttlSeconds: 3600 });

async function issue(http: HttpAgent): Promise<SecurityContext> {
  const body = (await http.post('/credentials').send(newCredential()).expect(201)).body as { id: string; token: string };
  return { credentialId: body.id, token: body.token };
}

const credentialParam = { in: 'params', path: 'id', kind: 'uuid' } as const;

export const httpTable: ServiceHttpTable<SecurityContext> = {
  service: SECURITY_SERVICE,
  createApp: ({ topology, flags }) => createSecurityApp({ topology, flags }, { logger: false }),
  setup: issue,
  async mainWriteAndRead(http) {
    const { credentialId, token } = await issue(http);
    expect((await http.post('/credentials/check').send({ token }).expect(200)).body).toMatchObject({ valid: true, credentialId });
    await http.post(`/credentials/${credentialId}/revoke`).expect(200);
    expect((await http.post('/credentials/check').send({ token }).expect(200)).body).toEqual({ valid: false, reason: 'revoked' });
  },
  endpoints: [
    {
      method: 'POST',
      path: '/credentials',
      valid: () => ({ body: newCredential() }),
      fields: [
        { in: 'body', path: 'name', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'owner', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'ttlSeconds', kind: 'integer', min: 1, max: MAX_TTL_SECONDS, required: true },
      ],
    },
    {
      method: 'POST',
      path: '/credentials/check',
      valid: ({ token }) => ({ body: { token } }),
      fields: [{ in: 'body', path: 'token', kind: 'text', maxLength: 200, required: true }],
    },
    { method: 'GET', path: '/credentials/:id', valid: ({ credentialId }) => ({ params: { id: credentialId } }), fields: [credentialParam] },
    {
      method: 'GET',
      path: '/credentials/:id/audit',
      valid: ({ credentialId }) => ({ params: { id: credentialId }, query: { limit: '2' } }),
      fields: [
        credentialParam,
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor' },
      ],
    },
  ],
};
