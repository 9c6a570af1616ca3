import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { migrateFleet } from '@neo/data/migrations';
import { uuidv7 } from '@neo/data';
import { serviceTargets, toPgPoolConfig } from '@neo/topology';
import { useSharedTopology } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOTING_SERVICE } from './app.module.js';
import { createVotingApp } from './create-voting-app.js';

/* The voting service on its own database of the shared test topology (neo_voting on the application cluster). */

describe('voting service on its own database', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  /** A plain pool on neo_voting: the tests count the rows themselves. */
  let db: pg.Pool;

  beforeAll(async () => {
    const { topology } = useSharedTopology();
    await migrateFleet({ topology, services: [VOTING_SERVICE], monolith: false });
    db = new pg.Pool({ ...toPgPoolConfig(serviceTargets(topology, VOTING_SERVICE).primary), max: 2 });
    app = await createVotingApp({ topology }, { logger: false });
    await app.listen(0, '127.0.0.1');
    http = request(await app.getUrl());
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
  });

  async function newProposal(body: Record<string, unknown> = {}): Promise<string> {
    const response = await http
      .post('/proposals')
      .send({ title: `Raise the fee ${randomUUID()}`, choices: ['yes', 'no', 'abstain'], ...body })
      .expect(201);
    return response.body.id as string;
  }

  it('creates a proposal, reads it back and lists it newest first', async () => {
    // An older one, so the first page of two has a next page whichever tests ran before.
    const older = await newProposal();
    const created = await http
      .post('/proposals')
      .send({ title: 'Raise the fee', description: 'from 1 to 2 GAS', choices: ['yes', 'no'], closesAt: '2099-01-01T00:00:00Z' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      title: 'Raise the fee',
      description: 'from 1 to 2 GAS',
      choices: ['yes', 'no'],
      closesAt: '2099-01-01T00:00:00.000Z',
      createdAt: expect.stringMatching(/^\d{4}-/),
    });
    expect((await http.get(`/proposals/${created.body.id}`).expect(200)).body).toEqual(created.body);
    const newer = await newProposal();
    const listed = await http.get('/proposals').query({ limit: 2 }).expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([newer, created.body.id]);
    const next = await http.get('/proposals').query({ limit: 2, cursor: listed.body.nextCursor }).expect(200);
    expect(next.body.items.map((item: { id: string }) => item.id)).not.toContain(newer);
    expect(next.body.items.map((item: { id: string }) => item.id)).toContain(older);
  });

  it('counts one vote per voter: a second vote of the same voter is 409 and changes nothing', async () => {
    const id = await newProposal();
    const vote = await http.post(`/proposals/${id}/votes`).send({ voterId: 'alice', choice: 'yes' }).expect(201);
    expect(vote.body).toEqual({ id: expect.any(String), proposalId: id, voterId: 'alice', choice: 'yes', castAt: expect.any(String) });
    const again = await http.post(`/proposals/${id}/votes`).send({ voterId: 'alice', choice: 'no' }).expect(409);
    expect(again.body).toMatchObject({ code: 'VOTING_ALREADY_VOTED', message: expect.stringContaining('alice') });
    // The same voter on another proposal is a new vote.
    await http
      .post(`/proposals/${await newProposal()}/votes`)
      .send({ voterId: 'alice', choice: 'no' })
      .expect(201);

    const { rows } = await db.query<{ choice: string }>('SELECT choice FROM votes WHERE proposal_id = $1', [id]);
    expect(rows).toEqual([{ choice: 'yes' }]);
  });

  it('lets exactly one of 20 concurrent votes by one voter land', async () => {
    const id = await newProposal();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http
          .post(`/proposals/${id}/votes`)
          .send({ voterId: 'bob', choice: i % 2 === 0 ? 'yes' : 'no' })
          .then((response) => response.status),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM votes WHERE proposal_id = $1', [id]);
    expect(rows[0]?.n).toBe(1);
  });

  it('tallies the votes per choice with groupBy, every choice listed', async () => {
    const id = await newProposal();
    const ballots = { yes: 5, no: 3, abstain: 0 };
    let voter = 0;
    for (const [choice, count] of Object.entries(ballots)) {
      for (let i = 0; i < count; i++)
        await http
          .post(`/proposals/${id}/votes`)
          .send({ voterId: `v${voter++}`, choice })
          .expect(201);
    }
    expect((await http.get(`/proposals/${id}/tally`).expect(200)).body).toEqual({
      proposalId: id,
      total: 8,
      counts: [
        { choice: 'yes', votes: 5 },
        { choice: 'no', votes: 3 },
        { choice: 'abstain', votes: 0 },
      ],
    });
  });

  it('refuses a choice the proposal does not offer (400), a closed proposal (409), an unknown one (404)', async () => {
    const id = await newProposal();
    const wrong = await http.post(`/proposals/${id}/votes`).send({ voterId: 'carol', choice: 'maybe' }).expect(400);
    expect(wrong.body).toMatchObject({ code: 'VOTING_INVALID_CHOICE', message: expect.stringContaining('yes, no, abstain') });

    const closing = await newProposal({ closesAt: new Date(Date.now() + 1_000).toISOString() });
    await sleep(1_100);
    const closed = await http.post(`/proposals/${closing}/votes`).send({ voterId: 'carol', choice: 'yes' }).expect(409);
    expect(closed.body).toMatchObject({ code: 'VOTING_PROPOSAL_CLOSED' });
    const past = await http
      .post('/proposals')
      .send({ title: 't', choices: ['a', 'b'], closesAt: '2020-01-01T00:00:00Z' })
      .expect(400);
    expect(past.body).toMatchObject({ code: 'VOTING_CLOSES_IN_THE_PAST' });
    const duplicate = await http
      .post('/proposals')
      .send({ title: 't', choices: ['a', 'a'] })
      .expect(400);
    expect(JSON.stringify(duplicate.body.message)).toContain('choices');

    const unknown = uuidv7();
    await http.get(`/proposals/${unknown}`).expect(404);
    await http.get(`/proposals/${unknown}/tally`).expect(404);
    expect((await http.post(`/proposals/${unknown}/votes`).send({ voterId: 'carol', choice: 'yes' }).expect(404)).body).toMatchObject({
      code: 'VOTING_PROPOSAL_NOT_FOUND',
    });
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM votes WHERE voter_id = $1', ['carol']);
    expect(rows[0]?.n).toBe(0);
  });

  it('reports its database on GET /health and its connection pool on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'voting' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_pool_acquisitions_total\{database="neo_voting",[^}]*service="voting"\} [1-9]/);
  });
});
