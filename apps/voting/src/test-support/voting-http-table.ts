import { randomUUID } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@neo/data';
import { type HttpAgent, type ServiceHttpTable } from '@neo/service-testing';
import { expect } from 'vitest';
import { VOTING_SERVICE } from '../app.module.js';
import { createVotingApp } from '../create-voting-app.js';
import { MAX_CHOICE_LENGTH, MAX_CHOICES, MIN_CHOICES } from '../proposals/dto/create-proposal.dto.js';

/*
 * The voting service's endpoints and fields, for the shared HTTP suites: its main write and
 * read on both sides, and every bad field of every endpoint (see describeHttpSuites).
 */

interface VotingContext {
  proposalId: string;
}

const newProposal = () => ({
  title: `Raise the fee ${randomUUID()}`,
  description: 'from 1 to 2 GAS',
  choices: ['yes', 'no'],
  closesAt: '2099-01-01T00:00:00Z',
});

async function createProposal(http: HttpAgent): Promise<string> {
  return (await http.post('/proposals').send(newProposal()).expect(201)).body.id as string;
}

const proposalParam = { in: 'params', path: 'id', kind: 'uuid' } as const;

export const httpTable: ServiceHttpTable<VotingContext> = {
  service: VOTING_SERVICE,
  createApp: ({ topology, flags }) => createVotingApp({ topology, flags }, { logger: false }),
  async setup(http) {
    return { proposalId: await createProposal(http) };
  },
  async mainWriteAndRead(http) {
    const proposalId = await createProposal(http);
    await http.post(`/proposals/${proposalId}/votes`).send({ voterId: 'alice', choice: 'yes' }).expect(201);
    await http.post(`/proposals/${proposalId}/votes`).send({ voterId: 'alice', choice: 'no' }).expect(409);
    expect((await http.get(`/proposals/${proposalId}/tally`).expect(200)).body).toMatchObject({ total: 1 });
  },
  endpoints: [
    {
      method: 'POST',
      path: '/proposals',
      valid: () => ({ body: newProposal() }),
      fields: [
        { in: 'body', path: 'title', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'description', kind: 'text', maxLength: 2000 },
        { in: 'body', path: 'choices', kind: 'array', minItems: MIN_CHOICES, maxItems: MAX_CHOICES, required: true },
        { in: 'body', path: 'choices[]', kind: 'text', maxLength: MAX_CHOICE_LENGTH, names: 'choices' },
        { in: 'body', path: 'closesAt', kind: 'date-time' },
      ],
    },
    {
      method: 'GET',
      path: '/proposals',
      valid: () => ({ query: { limit: '2' } }),
      fields: [
        { in: 'query', path: 'limit', kind: 'integer', min: 1, max: MAX_PAGE_SIZE },
        { in: 'query', path: 'cursor', kind: 'cursor' },
      ],
    },
    { method: 'GET', path: '/proposals/:id', valid: ({ proposalId }) => ({ params: { id: proposalId } }), fields: [proposalParam] },
    {
      method: 'POST',
      path: '/proposals/:id/votes',
      // A new voter each time: the suite sends the valid request more than once.
      valid: ({ proposalId }) => ({ params: { id: proposalId }, body: { voterId: `voter-${randomUUID()}`, choice: 'yes' } }),
      fields: [
        proposalParam,
        { in: 'body', path: 'voterId', kind: 'text', maxLength: 200, required: true },
        { in: 'body', path: 'choice', kind: 'text', maxLength: MAX_CHOICE_LENGTH, required: true },
      ],
    },
    { method: 'GET', path: '/proposals/:id/tally', valid: ({ proposalId }) => ({ params: { id: proposalId } }), fields: [proposalParam] },
  ],
};
