import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { SECURITY_SERVICE } from '../app.module.js';
import { createSecurityApp } from '../create-security-app.js';
import { MAX_TTL_SECONDS } from '../credentials/dto/issue-credential.dto.js';
import { MAX_SECRET_VALUE_LENGTH } from '../secrets/dto/put-secret.dto.js';
import { MAX_SECRET_NAME_LENGTH } from '../secrets/secret-name.js';

/*
 * The security service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

interface SecurityContext {
  credentialId: string;
  token: string;
  secretName: string;
}

const newCredential = () => ({ name: `ci-${randomUUID()}`, owner: 'svc-deployer', ttlSeconds: 3600 });

async function setup(http: HttpAgent): Promise<SecurityContext> {
  const body = (await http.post('/credentials').send(newCredential()).expect(201)).body as { id: string; token: string };
  const secretName = `db-password-${randomUUID()}`;
  await http.put(`/secrets/${secretName}`).send({ value: 'first value' }).expect(200);
  return { credentialId: body.id, token: body.token, secretName };
}

const credentialParam = { in: 'params', path: 'id', kind: 'uuid' } as const;
const secretParam = { in: 'params', path: 'name', kind: 'text', maxLength: MAX_SECRET_NAME_LENGTH } as const;
const secretParams = ({ secretName }: SecurityContext) => ({ params: { name: secretName } });

export const httpTable: ServiceHttpTable<SecurityContext> = {
  service: SECURITY_SERVICE,
  createApp: ({ topology, flags }) => createSecurityApp({ topology, flags }, { logger: false }),
  setup,
  async mainWriteAndRead(http) {
    const { credentialId, token, secretName } = await setup(http);
    await http.put(`/secrets/${secretName}`).send({ value: 'second value' }).expect(200);
    expect((await http.get(`/secrets/${secretName}`).expect(200)).body).toMatchObject({ version: 2, value: 'second value' });
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
    {
      method: 'PUT',
      path: '/secrets/:name',
      valid: ({ secretName }) => ({ params: { name: secretName }, body: { value: 'another value' } }),
      fields: [secretParam, { in: 'body', path: 'value', kind: 'text', maxLength: MAX_SECRET_VALUE_LENGTH, required: true }],
    },
    { method: 'GET', path: '/secrets/:name', valid: secretParams, fields: [secretParam] },
    { method: 'GET', path: '/secrets/:name/versions', valid: secretParams, fields: [secretParam] },
    {
      method: 'GET',
      path: '/secrets/:name/audit',
      valid: ({ secretName }) => ({ params: { name: secretName }, query: { limit: '2' } }),
      fields: [
        secretParam,
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor' },
      ],
    },
    // Last: its valid request deletes the context's secret.
    { method: 'DELETE', path: '/secrets/:name', valid: secretParams, fields: [secretParam] },
  ],
};
