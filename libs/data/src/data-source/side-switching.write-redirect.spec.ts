import { describe, expect, it } from 'vitest';
import { createSideSwitchingClient, type SideChooser } from '../selection/side-switching-client.js';
import type { Side } from '../selection/side.js';
import { forcingChooser, redirectOfPrismaError, retryRedirectedWrites } from './side-switching.write-redirect.js';

/** A database refusal as Prisma reports it with adapter-pg (the shape seen from Prisma 7.10). */
function prismaRedirect(side: string): Error {
  return Object.assign(new Error('Invalid `prisma.item.create()` invocation: write guard'), {
    code: 'P2039',
    meta: {
      driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', code: 'NC001', detail: side, message: 'go away' } },
    },
  });
}

interface FakeClient {
  item: { create(args: unknown): Promise<string>; findMany(): Promise<string> };
  $transaction(work: unknown): Promise<string>;
  $disconnect(): Promise<void>;
}

/** A side's client: writes succeed, or fail with `refuse()` while it returns an error. */
function fakeSide(name: Side, refuse: () => Error | undefined, calls: string[]): FakeClient {
  return {
    item: {
      create: async () => {
        calls.push(`${name}:create`);
        const error = refuse();
        if (error) throw error;
        return `created on ${name}`;
      },
      findMany: async () => `read on ${name}`,
    },
    $transaction: async (work) => {
      calls.push(`${name}:transaction`);
      const error = refuse();
      if (error) throw error;
      return typeof work === 'function' ? `transaction on ${name}` : `batch on ${name}`;
    },
    $disconnect: async () => undefined,
  };
}

function setUp(options: { monolithRefuses: () => Error | undefined; flagsSide: () => Side }) {
  const calls: string[] = [];
  const chooser: SideChooser = { select: () => options.flagsSide() };
  const switching = createSideSwitchingClient<FakeClient>({
    service: 'items',
    monolith: fakeSide('monolith', options.monolithRefuses, calls),
    own: fakeSide('service', () => undefined, calls),
    selector: forcingChooser(chooser),
  });
  const events: unknown[] = [];
  const client = retryRedirectedWrites(switching, {
    flags: { writeSide: options.flagsSide },
    tuning: { flagWaitMs: 300, pollMs: 5, maxRetries: 2 },
    onRedirect: (event) => events.push(event),
  });
  return { client, calls, events };
}

describe('retryRedirectedWrites', () => {
  it('retries a refused write on the side the database names, once the flags name it too', async () => {
    let flagsSide: Side = 'monolith';
    setTimeout(() => (flagsSide = 'service'), 30);
    const { client, calls, events } = setUp({ monolithRefuses: () => prismaRedirect('service'), flagsSide: () => flagsSide });

    await expect(client.item.create({})).resolves.toBe('created on service');
    expect(calls).toEqual(['monolith:create', 'service:create']);
    expect(events).toEqual([expect.objectContaining({ to: 'service', flagsAgreed: true })]);
  });

  it('retries there after the bounded wait even when the flags never agree (the database is the authority)', async () => {
    const { client, calls, events } = setUp({ monolithRefuses: () => prismaRedirect('service'), flagsSide: () => 'monolith' });

    await expect(client.item.create({})).resolves.toBe('created on service');
    expect(calls).toEqual(['monolith:create', 'service:create']);
    expect(events).toEqual([expect.objectContaining({ to: 'service', flagsAgreed: false })]);
  });

  it('runs an interactive transaction again, whole, on the side of record', async () => {
    const { client, calls } = setUp({ monolithRefuses: () => prismaRedirect('service'), flagsSide: () => 'monolith' });
    await expect(client.$transaction(async () => 'work')).resolves.toBe('transaction on service');
    expect(calls).toEqual(['monolith:transaction', 'service:transaction']);
  });

  it('passes other errors through untouched, without a retry', async () => {
    const failure = new Error('unique constraint');
    const { client, calls } = setUp({ monolithRefuses: () => failure, flagsSide: () => 'monolith' });
    await expect(client.item.create({})).rejects.toBe(failure);
    expect(calls).toEqual(['monolith:create']);
  });

  it('gives up after maxRetries "switching" answers with the last refusal', async () => {
    const { client, calls } = setUp({ monolithRefuses: () => prismaRedirect('switching'), flagsSide: () => 'monolith' });
    await expect(client.item.create({})).rejects.toMatchObject({ meta: { driverAdapterError: { cause: { detail: 'switching' } } } });
    expect(calls).toEqual(['monolith:create', 'monolith:create', 'monolith:create']);
  });

  it('leaves reads and batch transactions alone', async () => {
    const { client, calls } = setUp({ monolithRefuses: () => prismaRedirect('service'), flagsSide: () => 'monolith' });
    await expect(client.item.findMany()).resolves.toBe('read on monolith');
    await expect(client.$transaction([])).rejects.toMatchObject({ code: 'P2039' });
    expect(calls).toEqual(['monolith:transaction']);
  });
});

describe('redirectOfPrismaError', () => {
  it('finds the redirect in a raw database error, a Prisma error and a cause chain; nothing in other errors', () => {
    expect(redirectOfPrismaError({ code: 'NC001', detail: 'monolith', message: 'm' })).toEqual({ side: 'monolith', message: 'm' });
    expect(redirectOfPrismaError(prismaRedirect('service'))?.side).toBe('service');
    expect(redirectOfPrismaError(new Error('outer', { cause: { code: 'NC001', detail: 'switching', message: 'x' } }))?.side).toBe(
      'switching',
    );
    expect(redirectOfPrismaError(new Error('plain'))).toBeUndefined();
    expect(redirectOfPrismaError({ code: 'NC001', detail: 'elsewhere' })).toBeUndefined();
  });
});
