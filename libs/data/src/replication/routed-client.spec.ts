import { describe, expect, it } from 'vitest';
import { NodeRoles } from './node-roles.js';
import { runWithRequestContext } from '../context/request-context.js';
import type { RoutingReason } from '../metrics/data-metrics.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { NodeClient } from './node-client.js';
import { PrimaryUnavailableError } from './primary-unavailable.error.js';
import { withReadConsistency } from './read-consistency.js';
import { ReadWriteRouter } from './read-write-router.js';
import { RoundRobinPicker } from './replica-pickers.js';
import { ReplicaSelector, type FreshnessView } from './replica-selector.js';
import { ReplicaWriteError } from './replica-write.error.js';
import { createRoutedClient } from './routed-client.js';
import { SessionWrites } from './session-writes.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', syscall: 'connect', errno: -111 });

interface FakeResult {
  node: string;
  operation: string;
  args?: unknown;
}

type FakePrismaPromise = PromiseLike<FakeResult> & { requestTransaction(transaction: unknown): Promise<FakeResult> };

/** Stands in for a generated Prisma client: records calls, returns lazy Prisma-like promises. */
class FakePrisma {
  readonly calls: string[] = [];
  failure?: Error;
  constructor(readonly name: string) {}

  private call(operation: string, args: unknown): FakePrismaPromise {
    const run = (): Promise<FakeResult> => {
      this.calls.push(operation);
      return this.failure ? Promise.reject(this.failure) : Promise.resolve({ node: this.name, operation, args });
    };
    return {
      then: (onFulfilled, onRejected) => run().then(onFulfilled, onRejected),
      requestTransaction: (transaction: unknown) => {
        this.calls.push(`${operation}@${String(transaction)}`);
        return Promise.resolve({ node: this.name, operation });
      },
    };
  }

  /** As a generated client carries it: `Item.owner` is a relation to `User`. */
  readonly _runtimeDataModel = {
    models: {
      Item: {
        fields: [
          { name: 'id', kind: 'scalar', type: 'Int' },
          { name: 'owner', kind: 'object', type: 'User' },
        ],
      },
      User: { fields: [{ name: 'id', kind: 'scalar', type: 'Int' }] },
    },
  };

  readonly item = {
    findUnique: (args: unknown) => this.call('findUnique', args),
    findMany: (args?: unknown) => this.call('findMany', args),
    count: (args?: unknown) => this.call('count', args),
    create: (args: unknown) => this.call('create', args),
    update: (args: unknown) => this.call('update', args),
  };

  $transaction<T>(input: ((tx: FakePrisma) => Promise<T>) | FakePrismaPromise[]): Promise<unknown> {
    if (Array.isArray(input)) return Promise.all(input.map((element) => element.requestTransaction('batch-1')));
    this.calls.push('$transaction');
    return this.failure ? Promise.reject(this.failure) : input(this);
  }

  $queryRaw(strings: TemplateStringsArray, ...values: unknown[]) {
    return this.call('$queryRaw', { strings, values });
  }

  $executeRaw(strings: TemplateStringsArray, ...values: unknown[]) {
    return this.call('$executeRaw', { strings, values });
  }
}

class Freshness implements FreshnessView {
  lagging = new Set<string>();
  replay = 0n;
  samples: { startedAt: number; lsn: bigint }[] = [];
  isWithinLag(label: string) {
    return !this.lagging.has(label);
  }
  replayLsn() {
    return this.replay;
  }
  primaryLsnObservedAfter(time: number) {
    return this.samples.find((sample) => sample.startedAt > time)?.lsn;
  }
}

function setup() {
  let time = 0;
  const now = () => time;
  const node = (name: string, role: 'primary' | 'replica') =>
    new NodeClient(name, role, 1, new FakePrisma(name), new CircuitBreaker({ now, failureThreshold: 2, baseBackoffMs: 1_000 }));
  const primary = node('p', 'primary');
  const replicas = [node('r1', 'replica'), node('r2', 'replica')];
  const freshness = new Freshness();
  const sessions = new SessionWrites({ now });
  const selector = new ReplicaSelector(new NodeRoles([primary, ...replicas], primary), new RoundRobinPicker(), freshness, sessions);
  const routes: string[] = [];
  const roles = new NodeRoles([primary, ...replicas], primary);
  /** What the next poll finds: the node that takes writes now. */
  const discovery: { primary: (typeof replicas)[number] | undefined; polls: number } = { primary: undefined, polls: 0 };
  const router = new ReadWriteRouter(
    roles,
    selector,
    sessions,
    (target, reason: RoutingReason) => routes.push(`${target.label}:${reason}`),
    async () => {
      discovery.polls++;
      if (discovery.primary) roles.promote(discovery.primary);
    },
  );
  const db = createRoutedClient(router);
  return { db, primary, replicas, freshness, routes, roles, discovery, at: (ms: number) => (time = ms) };
}

/** What PostgreSQL answers a write on a node in recovery or fenced read-only, as Prisma wraps it. */
function readOnlyError(): Error {
  return Object.assign(new Error('cannot execute INSERT in a read-only transaction'), {
    code: 'P2010',
    meta: { driverAdapterError: { cause: { kind: 'postgres', code: '25006', originalCode: '25006' } } },
  });
}

describe('routed client', () => {
  it('sends writes to the node that became primary, with no query on the way', async () => {
    const { db, replicas, roles, discovery } = setup();
    roles.promote(replicas[0]!);
    expect((await db.item.create({ data: {} })).node).toBe('r1');
    expect(discovery.polls).toBe(0);
    // The former primary is a read node now; r2 and p share the reads the monitor allows.
    expect(roles.replicas.map((node) => node.label)).toEqual(['p', 'r2']);
  });

  it('retries a write refused as read-only on the primary the next poll finds, once', async () => {
    const { db, primary, replicas, discovery } = setup();
    (primary.client as unknown as FakePrisma).failure = readOnlyError();
    discovery.primary = replicas[1];
    expect((await db.item.create({ data: {} })).node).toBe('r2');
    expect(discovery.polls).toBe(1);
  });

  it('answers a write refused as read-only with PrimaryUnavailableError when no other primary is found', async () => {
    const { db, primary, discovery } = setup();
    (primary.client as unknown as FakePrisma).failure = readOnlyError();
    await expect(db.item.create({ data: {} })).rejects.toBeInstanceOf(PrimaryUnavailableError);
    expect(discovery.polls).toBe(1);
  });

  it('never retries a write that failed for another reason', async () => {
    const { db, primary, discovery, replicas } = setup();
    (primary.client as unknown as FakePrisma).failure = Object.assign(new Error('unique violation'), { code: '23505' });
    discovery.primary = replicas[0];
    await expect(db.item.create({ data: {} })).rejects.toThrow('unique violation');
    expect(discovery.polls).toBe(0);
  });

  it('sends reads to replicas in turn and writes to the primary', async () => {
    const { db, primary, replicas } = setup();
    const reads = await Promise.all([db.item.findUnique({ where: { id: 1 } }), db.item.findMany(), db.item.count()]);
    expect(reads.map((read) => read.node)).toEqual(['r1', 'r2', 'r1']);
    expect((await db.item.create({ data: {} })).node).toBe('p');
    expect(primary.stats).toMatchObject({ reads: 0, writes: 1 });
    expect(replicas.map((replica) => replica.stats.reads)).toEqual([2, 1]);
  });

  it('routes the fluent relation API as the call it extends: a read to a replica, asking for the relation only', async () => {
    const { db, primary, replicas } = setup();
    const fluent = db.item.findUnique({ where: { id: 1 }, include: { owner: true } }) as unknown as {
      owner(args?: unknown): Promise<unknown>;
    };
    // The fake answers with the call it got; the relation path of that answer is what the caller sees.
    await expect(fluent.owner({ select: { id: true } })).resolves.toBeNull();
    expect(replicas[0]!.client.calls).toEqual(['findUnique']);
    expect(primary.client.calls).toEqual([]);
    const shapes: unknown[] = [];
    replicas[1]!.client.item.findUnique = (args: unknown) => {
      shapes.push(args);
      return Promise.resolve({ owner: { id: 7 } }) as never;
    };
    await expect(fluent.owner({ select: { id: true } })).resolves.toEqual({ id: 7 });
    expect(shapes).toEqual([{ where: { id: 1 }, select: { owner: { select: { id: true } } } }]);
  });

  it('is lazy like a PrismaPromise: nothing runs until the call is awaited', async () => {
    const { db, replicas } = setup();
    const pending = db.item.findMany();
    expect(replicas[0]!.client.calls).toEqual([]);
    await pending;
    expect(replicas[0]!.client.calls).toEqual(['findMany']);
  });

  it('runs transactions and raw SQL on the primary', async () => {
    const { db, primary, routes } = setup();
    const result = await db.$transaction(async (tx) => (await tx.item.findMany()).node);
    expect(result).toBe('p');
    await db.$queryRaw`SELECT 1`;
    await db.$executeRaw`UPDATE item SET value = 1`;
    expect(primary.client.calls).toEqual(['$transaction', 'findMany', '$queryRaw', '$executeRaw']);
    expect(routes).toEqual(['p:transaction', 'p:raw', 'p:raw']);
  });

  it('hands the primary every element of a batch transaction, reads included', async () => {
    const { db, primary, replicas } = setup();
    await db.$transaction([db.item.create({ data: {} }), db.item.findMany()]);
    expect(primary.client.calls).toEqual(['create@batch-1', 'findMany@batch-1']);
    expect(replicas.flatMap((replica) => replica.client.calls)).toEqual([]);
  });

  it('$primary() reads from the primary; $replica() reads from a replica even when all lag, and refuses writes', async () => {
    const { db, freshness, routes } = setup();
    expect((await db.$primary().item.findMany()).node).toBe('p');
    freshness.lagging = new Set(['r1', 'r2']);
    expect((await db.item.findMany()).node).toBe('p');
    expect((await db.$replica().item.findMany()).node).toMatch(/^r[12]$/);
    expect(() => db.$replica().item.create({ data: {} })).toThrow(ReplicaWriteError);
    expect(routes.slice(0, 2)).toEqual(['p:forced_primary', 'p:lagging']);
  });

  it('honours withReadConsistency scopes', async () => {
    const { db, freshness } = setup();
    expect((await withReadConsistency('fresh', () => db.item.findMany())).node).toBe('p');
    freshness.lagging = new Set(['r1', 'r2']);
    expect((await withReadConsistency('stale-ok', () => db.item.findMany())).node).toMatch(/^r[12]$/);
  });

  it('reads your writes within a request context: primary until a replica has replayed a later poll', async () => {
    const { db, freshness, at } = setup();
    await runWithRequestContext({ userId: 'alice' }, async () => {
      at(100);
      await db.item.update({ where: { id: 1 }, data: {} });
      expect((await db.item.findUnique({ where: { id: 1 } })).node).toBe('p');
      freshness.samples.push({ startedAt: 150, lsn: 500n });
      freshness.replay = 499n;
      expect((await db.item.findUnique({ where: { id: 1 } })).node).toBe('p');
      freshness.replay = 500n;
      expect((await db.item.findUnique({ where: { id: 1 } })).node).toMatch(/^r[12]$/);
    });
    // Another user was never held back.
    freshness.replay = 0n;
    expect((await runWithRequestContext({ userId: 'bob' }, () => db.item.findMany())).node).toMatch(/^r[12]$/);
  });

  it('retries a read that could not reach its replica on the other replica, then on the primary', async () => {
    const { db, replicas, routes } = setup();
    replicas[0]!.client.failure = refused;
    expect((await db.item.findMany()).node).toBe('r2');
    replicas[1]!.client.failure = refused;
    expect((await db.item.findMany()).node).toBe('p');
    expect(replicas[0]!.stats.connectionErrors + replicas[1]!.stats.connectionErrors).toBe(3);
    expect(routes).toContain('p:breaker_open');
  });

  it('opens a failing replica’s breaker so later reads skip it', async () => {
    const { db, replicas } = setup();
    replicas[0]!.client.failure = refused;
    for (let i = 0; i < 4; i++) await db.item.findMany();
    expect(replicas[0]!.breaker.state).toBe('open');
    const before = replicas[0]!.client.calls.length;
    for (let i = 0; i < 4; i++) expect((await db.item.findMany()).node).toBe('r2');
    expect(replicas[0]!.client.calls.length).toBe(before);
  });

  it('does not retry a read the server answered with an error', async () => {
    const { db, replicas } = setup();
    const syntax = Object.assign(new Error('syntax error'), { code: 'P2010' });
    replicas[0]!.client.failure = syntax;
    await expect(db.item.findMany()).rejects.toBe(syntax);
    expect(replicas[1]!.client.calls).toEqual([]);
  });

  it('fails writes with PrimaryUnavailableError when the primary is down, then fast without trying, while reads continue', async () => {
    const { db, primary } = setup();
    primary.client.failure = refused;
    for (let i = 0; i < 2; i++) {
      const error = await db.item.create({ data: {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PrimaryUnavailableError);
      expect(error).toMatchObject({ code: 'PRIMARY_UNAVAILABLE', node: 'p', cause: refused });
    }
    const callsBefore = primary.client.calls.length;
    await expect(db.item.create({ data: {} })).rejects.toMatchObject({ code: 'PRIMARY_UNAVAILABLE', retryAfterMs: 1_000 });
    await expect(db.$transaction(async () => 1)).rejects.toBeInstanceOf(PrimaryUnavailableError);
    expect(primary.client.calls.length).toBe(callsBefore);
    expect((await db.item.findMany()).node).toMatch(/^r[12]$/);
  });

  it('passes other members through to the primary client', () => {
    const { db, primary } = setup();
    expect((db as any).name).toBe('p');
    expect(db.$primary()).toBe(db.$primary());
    expect(primary.client.item).not.toBe(db.item);
  });
});
