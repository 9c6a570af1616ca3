import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { migrateFleet } from '@neo/data/migrations';
import { uuidv7 } from '@neo/data';
import { serviceTargets, toPgPoolConfig } from '@neo/topology';
import { useSharedTopology, withClient } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_SERVICE } from './app.module.js';
import { createSecurityApp } from './create-security-app.js';

/* The security service on its own database: neo_security on the core cluster (a primary and a streaming replica). */

const REPLICA = 'core-replica-1';

describe('security service on its own databases', () => {
  let shared: ReturnType<typeof useSharedTopology>;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let db: pg.Pool;

  function onReplica(sql: string): Promise<unknown[]> {
    const endpoint = shared.endpoints[`core/${REPLICA}`]!;
    const admin = shared.admin['core']!;
    return withClient({ ...endpoint, ...admin, database: 'neo_security' }, async (client) => {
      return (await client.query(sql)).rows;
    });
  }

  beforeAll(async () => {
    shared = useSharedTopology();
    await migrateFleet({ topology: shared.topology, services: [SECURITY_SERVICE], monolith: false });
    db = new pg.Pool({ ...toPgPoolConfig(serviceTargets(shared.topology, SECURITY_SERVICE).primary), max: 2 });
    app = await createSecurityApp({ topology: shared.topology }, { logger: false });
    await app.listen(0, '127.0.0.1');
    http = request(await app.getUrl());
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
  });

  async function issue(ttlSeconds = 3600): Promise<{ id: string; token: string }> {
    const body = (
      await http
        .post('/credentials')
        .send({ name: `ci-${randomUUID()}`, owner: 'deployer', ttlSeconds })
        .expect(201)
    ).body;
    return { id: body.id as string, token: body.token as string };
  }

  const check = async (token: string, user = 'gateway') =>
    (await http.post('/credentials/check').set('x-user-id', user).send({ token }).expect(200)).body as { valid: boolean; reason?: string };

  it('issues a credential whose token is shown once and stored only as a hash, and checks it', async () => {
    const issued = await http.post('/credentials').send({ name: 'deploys', owner: 'ci', ttlSeconds: 60 }).expect(201);
    expect(issued.body).toEqual({
      id: expect.any(String),
      name: 'deploys',
      owner: 'ci',
      expiresAt: expect.any(String),
      revokedAt: null,
      createdAt: expect.any(String),
      token: expect.stringMatching(/^neo_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/),
    });
    const { id, token } = issued.body as { id: string; token: string };
    expect(await check(token)).toEqual({ valid: true, credentialId: id, owner: 'ci', expiresAt: issued.body.expiresAt });
    expect(JSON.stringify((await http.get(`/credentials/${id}`).expect(200)).body)).not.toContain(token.slice(-43));
    const { rows } = await db.query<{ secret_hash: Buffer }>('SELECT secret_hash FROM credentials WHERE id = $1', [id]);
    expect(rows[0]!.secret_hash).toHaveLength(32);
    expect(rows[0]!.secret_hash.toString('base64url')).not.toBe(token.slice(-43));
  });

  it('refuses a malformed token, an unknown credential, a wrong secret and an expired credential, saying why', async () => {
    const { id, token } = await issue();
    expect(await check('not-a-token')).toEqual({ valid: false, reason: 'malformed' });
    expect(await check(`neo_${uuidv7().replaceAll('-', '')}_${token.slice(-43)}`)).toEqual({ valid: false, reason: 'unknown' });
    expect(await check(`neo_${id.replaceAll('-', '')}_${'A'.repeat(43)}`)).toEqual({ valid: false, reason: 'wrong-secret' });
    const short = await issue(1);
    await sleep(1_100);
    expect(await check(short.token)).toEqual({ valid: false, reason: 'expired' });
  });

  it('makes a revocation visible at once to every caller, with the replica paused: 50 revoke-then-check pairs by other users', async () => {
    const refused: string[] = [];
    try {
      await onReplica('SELECT pg_wal_replay_pause()');
      for (let i = 0; i < 50; i++) {
        const { id, token } = await issue();
        expect(await check(token, `client-${i}`)).toMatchObject({ valid: true });
        await http.post(`/credentials/${id}/revoke`).set('x-user-id', 'security-admin').expect(200);
        // Another caller, who never wrote: read-your-writes does not cover it, the check's primary read does.
        const after = await check(token, `client-${i}`);
        if (after.valid || after.reason !== 'revoked') refused.push(`${id}: ${JSON.stringify(after)}`);
      }
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
    expect(refused).toEqual([]);
  });

  it('keeps an audit trail of every check and the revocation, newest first, page by page', async () => {
    const { id, token } = await issue();
    await check(token);
    await check(`neo_${id.replaceAll('-', '')}_${'B'.repeat(43)}`);
    await http.post(`/credentials/${id}/revoke`).expect(200);
    await http.post(`/credentials/${id}/revoke`).expect(200);
    await check(token);
    const trail: { action: string; outcome: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http
        .get(`/credentials/${id}/audit`)
        .set('x-user-id', 'auditor')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      trail.push(
        ...page.body.items.map((entry: { action: string; outcome: string }) => ({ action: entry.action, outcome: entry.outcome })),
      );
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(trail).toEqual([
      { action: 'checked', outcome: 'revoked' },
      { action: 'revoked', outcome: 'ok' },
      { action: 'checked', outcome: 'wrong-secret' },
      { action: 'checked', outcome: 'accepted' },
      { action: 'created', outcome: 'ok' },
    ]);
  });

  it('answers 404 for an unknown credential and 400 for bad input', async () => {
    const unknown = uuidv7();
    await http.get(`/credentials/${unknown}`).expect(404);
    await http.post(`/credentials/${unknown}/revoke`).expect(404);
    await http.get(`/credentials/${unknown}/audit`).expect(404);
    await http.post('/credentials').send({ name: 'x', owner: 'y', ttlSeconds: 0 }).expect(400);
    await http.post('/credentials/check').send({}).expect(400);
  });

  it('reports its nodes on GET /health and its queries on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'security' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_queries_total\{[^}]*node="core\/core-primary",role="primary"[^}]*service="security"\} [1-9]/);
  });
});
