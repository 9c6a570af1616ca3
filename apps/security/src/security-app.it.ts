import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { MasterKey } from '@neo/data/envelope';
import { migrateFleet } from '@neo/data/migrations';
import { uuidv7 } from '@neo/data';
import { serviceTargets, toPgPoolConfig } from '@neo/topology';
import { useSharedTopology, withClient } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_SERVICE } from './app.module.js';
import { createSecurityApp } from './create-security-app.js';
import { SECURITY_MASTER_KEY } from './secrets/security-master-key.js';

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

  /** A value no test reuses, so finding it anywhere means it leaked. */
  const secretValue = () => `s3cret-${randomBytes(12).toString('hex')}`;
  const secretName = () => `api-key-${randomUUID()}`;

  it('stores a secret only as ciphertext, its data key wrapped by the master key, and gives its newest value back', async () => {
    const name = secretName();
    const value = secretValue();
    const written = await http.put(`/secrets/${name}`).send({ value }).expect(200);
    expect(written.body).toEqual({ name, version: 1, createdAt: expect.any(String) });
    expect(JSON.stringify(written.body)).not.toContain(value);
    expect((await http.get(`/secrets/${name}`).expect(200)).body).toEqual({ name, version: 1, createdAt: written.body.createdAt, value });

    const { rows } = await db.query<{ sealed_value: Buffer; wrapped_key: Buffer; master_key_id: string }>(
      'SELECT v.sealed_value, v.wrapped_key, v.master_key_id FROM secret_versions v JOIN secrets s ON s.id = v.secret_id WHERE s.name = $1',
      [name],
    );
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.master_key_id).toBe(MasterKey.fromEnv(SECURITY_MASTER_KEY).id);
    // IV (12) + tag (16) + the value's bytes; the data key sealed likewise (12 + 16 + 32).
    expect(row.sealed_value).toHaveLength(28 + Buffer.byteLength(value));
    expect(row.wrapped_key).toHaveLength(60);
    // Nowhere in the database: not in any column of any table, in no encoding.
    const everything = await db.query<{ dump: string }>(
      `SELECT concat_ws(' ', (SELECT string_agg(t::text, ' ') FROM secrets t), (SELECT string_agg(t::text, ' ') FROM secret_versions t),
                        (SELECT string_agg(t::text, ' ') FROM audit_entries t)) AS dump`,
    );
    const dump = everything.rows[0]!.dump;
    for (const form of [value, Buffer.from(value).toString('hex'), Buffer.from(value).toString('base64')]) expect(dump).not.toContain(form);
  });

  it('serves the newest version at once after a write and a deletion at once to everyone, with the replica paused', async () => {
    const name = secretName();
    const values = [secretValue(), secretValue(), secretValue()];
    const writer = (r: request.Test) => r.set('x-user-id', 'secret-admin');
    const reader = (r: request.Test) => r.set('x-user-id', 'some-service');
    try {
      await onReplica('SELECT pg_wal_replay_pause()');
      for (const [i, value] of values.entries()) {
        await writer(http.put(`/secrets/${name}`).send({ value })).expect(200);
        // The writer reads its own write; so does a reader that never wrote.
        expect((await writer(http.get(`/secrets/${name}`)).expect(200)).body).toMatchObject({ version: i + 1, value });
        expect((await reader(http.get(`/secrets/${name}`)).expect(200)).body).toMatchObject({ version: i + 1, value });
      }
      const listed = (await reader(http.get(`/secrets/${name}/versions`)).expect(200)).body;
      expect(listed.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
      for (const value of values) expect(JSON.stringify(listed)).not.toContain(value);

      const deleted = (await writer(http.delete(`/secrets/${name}`)).expect(200)).body;
      expect(deleted).toEqual({ name, deletedAt: expect.any(String) });
      const refused = await reader(http.get(`/secrets/${name}`)).expect(404);
      expect(refused.body).toMatchObject({ code: 'SECURITY_SECRET_NOT_FOUND' });
      expect(refused.body.message).toContain('was deleted');
      await reader(http.get(`/secrets/${name}/versions`)).expect(404);
      // Deleting again keeps the first deletion; the values themselves are gone from the database.
      expect((await writer(http.delete(`/secrets/${name}`)).expect(200)).body).toEqual(deleted);
      const { rows } = await db.query('SELECT 1 FROM secret_versions v JOIN secrets s ON s.id = v.secret_id WHERE s.name = $1', [name]);
      expect(rows).toEqual([]);

      // Written again, it counts on: a version number is never reused.
      const revived = secretValue();
      expect((await writer(http.put(`/secrets/${name}`).send({ value: revived })).expect(200)).body).toMatchObject({ version: 4 });
      expect((await reader(http.get(`/secrets/${name}`)).expect(200)).body).toMatchObject({ version: 4, value: revived });
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
  });

  it('records every read and write of a secret in its audit trail, never its value', async () => {
    const name = secretName();
    const value = secretValue();
    await http.put(`/secrets/${name}`).send({ value }).expect(200);
    await http.get(`/secrets/${name}`).expect(200);
    await http.put(`/secrets/${name}`).send({ value: secretValue() }).expect(200);
    await http.get(`/secrets/${name}/versions`).expect(200);
    await http.delete(`/secrets/${name}`).expect(200);
    await http.get(`/secrets/${name}`).expect(404);
    const trail: { action: string; outcome: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http
        .get(`/secrets/${name}/audit`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.text).not.toContain(value);
      trail.push(
        ...page.body.items.map((entry: { action: string; outcome: string }) => ({ action: entry.action, outcome: entry.outcome })),
      );
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(trail).toEqual([
      { action: 'secret-read', outcome: 'deleted' },
      { action: 'secret-deleted', outcome: 'ok' },
      { action: 'secret-versions-listed', outcome: 'ok' },
      { action: 'secret-written', outcome: 'ok' },
      { action: 'secret-read', outcome: 'ok' },
      { action: 'secret-written', outcome: 'ok' },
    ]);
  });

  it('with another master key, answers 503 saying which variable to fix, and leaks neither key nor value to the client or the log', async () => {
    const name = secretName();
    const value = secretValue();
    await http.put(`/secrets/${name}`).send({ value }).expect(200);
    const otherKey = randomBytes(32).toString('base64');
    const logged: string[] = [];
    const capture = (...parts: unknown[]) =>
      void logged.push(parts.map((part) => (part instanceof Error ? part.stack : String(part))).join(' '));
    const logger: LoggerService = { log: capture, error: capture, warn: capture, debug: capture, verbose: capture, fatal: capture };
    const other = await createSecurityApp(
      { topology: shared.topology, masterKey: MasterKey.fromBase64(otherKey, SECURITY_MASTER_KEY) },
      { logger },
    );
    try {
      await other.init();
      const answer = await request(other.getHttpServer()).get(`/secrets/${name}`).expect(503);
      expect(answer.body).toMatchObject({ code: 'SECURITY_SECRET_UNREADABLE' });
      expect(answer.body.message).toContain('NEO_SECURITY_MASTER_KEY');
      for (const leak of [value, otherKey, process.env['NEO_SECURITY_MASTER_KEY']!]) {
        expect(answer.text).not.toContain(leak);
        expect(logged.join('\n')).not.toContain(leak);
      }
    } finally {
      await other.close();
    }
    // A malformed body that carries a value is refused without quoting it.
    const malformed = await http.put(`/secrets/${name}`).set('content-type', 'application/json').send(`{"value": ${value}}`).expect(400);
    expect(malformed.text).not.toContain(value);
  });

  it('refuses to start without a master key, naming the variable', async () => {
    const saved = process.env['NEO_SECURITY_MASTER_KEY'];
    delete process.env['NEO_SECURITY_MASTER_KEY'];
    try {
      // Before anything is served: building the app fails.
      await expect(async () => createSecurityApp({ topology: shared.topology }, { logger: false })).rejects.toThrow(
        /NEO_SECURITY_MASTER_KEY is not set/,
      );
    } finally {
      process.env['NEO_SECURITY_MASTER_KEY'] = saved;
    }
  });

  it('reports its nodes on GET /health and its queries on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'security' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_queries_total\{[^}]*node="core\/core-primary",role="primary"[^}]*service="security"\} [1-9]/);
  });
});
