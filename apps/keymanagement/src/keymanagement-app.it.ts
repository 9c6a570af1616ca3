import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { DATA_SOURCE } from '@neo/data/nest';
import { migrateFleet } from '@neo/data/migrations';
import { uuidv7, type DataSource, type NodeStatus } from '@neo/data';
import { serviceTargets, toPgPoolConfig } from '@neo/topology';
import { useSharedTopology, withClient } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYMANAGEMENT_SERVICE } from './app.module.js';
import { createKeymanagementApp } from './create-keymanagement-app.js';
import { MasterKey } from '@neo/data/envelope';
import { KEYMANAGEMENT_MASTER_KEY } from './envelope/master-key.js';

/* The key management service on its own database: neo_keymanagement on the core cluster (a primary and a streaming replica). */

const REPLICA = 'core-replica-1';

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

const replicaReads = (statuses: readonly NodeStatus[]) =>
  statuses.filter((status) => status.role === 'replica').reduce((sum, status) => sum + status.stats.reads, 0);

describe('key management service on its own databases', () => {
  let shared: ReturnType<typeof useSharedTopology>;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let source: DataSource;
  let db: pg.Pool;

  function onReplica(sql: string): Promise<unknown[]> {
    const endpoint = shared.endpoints[`core/${REPLICA}`]!;
    const admin = shared.admin['core']!;
    return withClient({ ...endpoint, ...admin, database: 'neo_keymanagement' }, async (client) => {
      return (await client.query(sql)).rows;
    });
  }

  /** Runs `body` while the replica replays nothing (its data stays as it was), resuming replay after. */
  async function whileReplayPaused(body: () => Promise<void>): Promise<void> {
    try {
      await onReplica('SELECT pg_wal_replay_pause()');
      await until(async () => {
        const [row] = (await onReplica('SELECT pg_get_wal_replay_pause_state() AS state')) as { state: string }[];
        return row?.state === 'paused';
      }, 'replay to pause');
      await body();
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
  }

  beforeAll(async () => {
    shared = useSharedTopology();
    await migrateFleet({ topology: shared.topology, services: [KEYMANAGEMENT_SERVICE], monolith: false });
    db = new pg.Pool({ ...toPgPoolConfig(serviceTargets(shared.topology, KEYMANAGEMENT_SERVICE).primary), max: 2 });
    app = await createKeymanagementApp({ topology: shared.topology }, { logger: false });
    await app.listen(0, '127.0.0.1');
    source = app.get<DataSource>(DATA_SOURCE);
    await source.ready();
    http = request(await app.getUrl());
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
  });

  async function newKey(user = 'test-user'): Promise<string> {
    return (
      await http
        .post('/keys')
        .set('x-user-id', user)
        .send({ name: `key-${randomUUID()}` })
        .expect(201)
    ).body.id as string;
  }

  it('creates a key, encrypts and decrypts with it; the data key is stored only wrapped', async () => {
    const name = `wallet-backups-${randomUUID()}`;
    const key = await http.post('/keys').send({ name }).expect(201);
    expect(key.body).toEqual({ id: expect.any(String), name, currentVersion: 1, createdAt: expect.any(String), rotatedAt: null });
    const id = key.body.id as string;
    const plaintext = randomBytes(100).toString('base64');
    const user = { 'x-user-id': 'alice' };
    const sealed = await http.post(`/keys/${id}/encrypt`).set(user).send({ plaintext }).expect(200);
    expect(sealed.body).toEqual({ keyId: id, version: 1, ciphertext: expect.stringMatching(/^1\./) });
    expect(sealed.body.ciphertext).not.toContain(plaintext);
    const opened = await http.post(`/keys/${id}/decrypt`).set(user).send({ ciphertext: sealed.body.ciphertext }).expect(200);
    expect(opened.body).toEqual({ keyId: id, version: 1, plaintext });

    const { rows } = await db.query<{ wrapped_key: Buffer; master_key_id: string }>(
      'SELECT wrapped_key, master_key_id FROM key_versions WHERE key_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.wrapped_key.length).toBe(12 + 16 + 32);
    expect(rows[0]!.master_key_id).toBe(MasterKey.fromEnv(KEYMANAGEMENT_MASTER_KEY).id);
    expect(JSON.stringify((await http.get(`/keys/${id}`).expect(200)).body)).not.toMatch(/wrapped|material/i);
  });

  it('rotates: new encryptions use the new version, older ciphertexts still decrypt', async () => {
    const id = await newKey('bob');
    const user = { 'x-user-id': 'bob' };
    const plaintext = Buffer.from('before the rotation').toString('base64');
    const old = (await http.post(`/keys/${id}/encrypt`).set(user).send({ plaintext }).expect(200)).body.ciphertext as string;
    const rotated = await http.post(`/keys/${id}/rotate`).set(user).expect(201);
    expect(rotated.body).toMatchObject({ id, currentVersion: 2, rotatedAt: expect.any(String) });
    const fresh = await http.post(`/keys/${id}/encrypt`).set(user).send({ plaintext }).expect(200);
    expect(fresh.body.version).toBe(2);
    expect((await http.post(`/keys/${id}/decrypt`).set(user).send({ ciphertext: old }).expect(200)).body).toMatchObject({
      version: 1,
      plaintext,
    });
    expect((await http.post(`/keys/${id}/decrypt`).set(user).send({ ciphertext: fresh.body.ciphertext }).expect(200)).body).toMatchObject({
      version: 2,
      plaintext,
    });
  });

  it('gives 10 concurrent rotations 10 distinct versions', async () => {
    const id = await newKey();
    const responses = await Promise.all(Array.from({ length: 10 }, () => http.post(`/keys/${id}/rotate`)));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    expect(responses.map((response) => response.body.currentVersion).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const { rows } = await db.query<{ version: number }>('SELECT version FROM key_versions WHERE key_id = $1 ORDER BY version', [id]);
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reads your writes after a rotation with the replica paused: 50 rotate-then-encrypt pairs use the version just made', async () => {
    const user = { 'x-user-id': `ryw-${randomUUID()}` };
    const id = await newKey(user['x-user-id']);
    const mismatches: string[] = [];
    await whileReplayPaused(async () => {
      for (let i = 0; i < 50; i++) {
        const rotated = await http.post(`/keys/${id}/rotate`).set(user).expect(201);
        const sealed = await http.post(`/keys/${id}/encrypt`).set(user).send({ plaintext: 'aGVsbG8=' }).expect(200);
        const key = await http.get(`/keys/${id}`).set(user).expect(200);
        if (sealed.body.version !== rotated.body.currentVersion)
          mismatches.push(`encrypted with ${sealed.body.version} after rotating to ${rotated.body.currentVersion}`);
        if (key.body.currentVersion !== rotated.body.currentVersion)
          mismatches.push(`read ${key.body.currentVersion} after rotating to ${rotated.body.currentVersion}`);
      }
    });
    expect(mismatches).toEqual([]);
  });

  it('sends reads of a user who wrote nothing to the replica', async () => {
    const id = await newKey();
    await until(
      () =>
        source.status!()
          .filter((status) => status.role === 'replica')
          .every((status) => status.inRotation),
      'the replica in rotation',
    );
    // The key may need a moment to reach the replica; a reader who did not write may miss it until then.
    await until(async () => (await http.get(`/keys/${id}`).set('x-user-id', 'reader')).status === 200, 'the key on the replica');
    const before = replicaReads(source.status!());
    for (let i = 0; i < 10; i++) await http.get(`/keys/${id}`).set('x-user-id', 'reader').expect(200);
    expect(replicaReads(source.status!()) - before).toBe(10);
  });

  it('encrypts for a caller who did not make the key while the replica lacks it: the primary is asked before a 404', async () => {
    await whileReplayPaused(async () => {
      const id = await newKey('maker');
      const sealed = await http.post(`/keys/${id}/encrypt`).set('x-user-id', 'someone-else').send({ plaintext: 'aGVsbG8=' }).expect(200);
      expect(sealed.body.version).toBe(1);
      await http.post(`/keys/${randomUUID()}/encrypt`).set('x-user-id', 'someone-else').send({ plaintext: 'aGVsbG8=' }).expect(404);
    });
  });

  it('refuses a tampered ciphertext, one of another key, an unknown version (400), an unknown key (404), a taken name (409)', async () => {
    const id = await newKey();
    const other = await newKey();
    const { ciphertext } = (await http.post(`/keys/${id}/encrypt`).send({ plaintext: 'aGVsbG8=' }).expect(200)).body as {
      ciphertext: string;
    };
    const tampered = ciphertext.slice(0, -2) + (ciphertext.endsWith('AA') ? 'BB' : 'AA');
    for (const [keyId, text] of [
      [id, tampered],
      [other, ciphertext],
      [id, `9${ciphertext}`],
      [id, 'not a ciphertext'],
    ] as const) {
      const refused = await http.post(`/keys/${keyId}/decrypt`).send({ ciphertext: text }).expect(400);
      expect(refused.body).toMatchObject({ code: 'KEYMANAGEMENT_INVALID_CIPHERTEXT' });
    }
    await http.post(`/keys/${id}/encrypt`).send({ plaintext: 'not base64!' }).expect(400);
    const unknown = uuidv7();
    for (const path of [`/keys/${unknown}/encrypt`, `/keys/${unknown}/decrypt`]) {
      await http
        .post(path)
        .send({ plaintext: 'aGVsbG8=', ciphertext })
        .expect((response) => expect([400, 404]).toContain(response.status));
    }
    expect((await http.post(`/keys/${unknown}/encrypt`).send({ plaintext: 'aGVsbG8=' }).expect(404)).body).toMatchObject({
      code: 'KEYMANAGEMENT_KEY_NOT_FOUND',
    });
    await http.post(`/keys/${unknown}/decrypt`).send({ ciphertext }).expect(404);
    await http.post(`/keys/${unknown}/rotate`).expect(404);
    const name = `dup-${randomUUID()}`;
    await http.post('/keys').send({ name }).expect(201);
    expect((await http.post('/keys').send({ name }).expect(409)).body).toMatchObject({ code: 'KEYMANAGEMENT_KEY_EXISTS' });
  });

  it('refuses to start without a master key, naming the variable', async () => {
    const saved = process.env['NEO_KEYMANAGEMENT_MASTER_KEY'];
    delete process.env['NEO_KEYMANAGEMENT_MASTER_KEY'];
    try {
      const starting = Promise.resolve().then(() => createKeymanagementApp({ topology: shared.topology }, { logger: false }));
      await expect(starting).rejects.toThrow(/NEO_KEYMANAGEMENT_MASTER_KEY is not set/);
    } finally {
      process.env['NEO_KEYMANAGEMENT_MASTER_KEY'] = saved;
    }
  });

  it('reports its nodes on GET /health and its queries on GET /metrics, never the master key', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'keymanagement' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /neo_data_queries_total\{[^}]*node="core\/core-replica-1",role="replica"[^}]*service="keymanagement"\} [1-9]/,
    );
    expect(metrics.text).not.toContain(process.env['NEO_KEYMANAGEMENT_MASTER_KEY']!);
  });
});
