import { describe, expect, it } from 'vitest';
import { classifyPrismaCall } from '../prisma-call/index.js';
import { createSideSwitchingClient, type SideChooser } from './side-switching-client.js';
import type { OperationKind, Side } from './side.js';

/** A client-shaped fake that records which side ran each call. */
function fakeClient(side: Side, log: string[]) {
  const call =
    (name: string) =>
    async (...args: unknown[]) => {
      log.push(`${side}:${name}`);
      return { side, args };
    };
  const client = {
    user: { findMany: call('user.findMany'), count: call('user.count'), create: call('user.create'), upsert: call('user.upsert') },
    $transaction: call('$transaction'),
    $queryRaw: call('$queryRaw'),
    $connect: call('$connect'),
    $disconnect: call('$disconnect'),
    $extends(extension: string) {
      log.push(`${side}:$extends(${extension})`);
      return fakeClient(side, log);
    },
    plainValue: 42,
  };
  return client;
}

class ScriptedChooser implements SideChooser {
  readonly asked: Array<[string, OperationKind]> = [];
  constructor(private readonly sides: Record<OperationKind, Side>) {}
  select(service: string, kind: OperationKind): Side {
    this.asked.push([service, kind]);
    return this.sides[kind];
  }
}

describe('createSideSwitchingClient', () => {
  it('sends each call to the side chosen for its kind, at call time', async () => {
    const log: string[] = [];
    const chooser = new ScriptedChooser({ read: 'service', write: 'monolith' });
    const client = createSideSwitchingClient({
      service: 'storage',
      monolith: fakeClient('monolith', log),
      own: fakeClient('service', log),
      selector: chooser,
    });
    const users = client.user;
    await expect(users.findMany({ where: { id: 1 } })).resolves.toEqual({ side: 'service', args: [{ where: { id: 1 } }] });
    await users.create({ data: {} });
    await client.user.count();
    await client.user.upsert({});
    await client.$transaction([]);
    await client.$queryRaw`select 1`;
    expect(log).toEqual([
      'service:user.findMany',
      'monolith:user.create',
      'service:user.count',
      'monolith:user.upsert',
      'monolith:$transaction',
      'monolith:$queryRaw',
    ]);
    expect(chooser.asked).toEqual([
      ['storage', 'read'],
      ['storage', 'write'],
      ['storage', 'read'],
      ['storage', 'write'],
      ['storage', 'write'],
      ['storage', 'write'],
    ]);
    // A delegate taken once still follows the selector later.
    log.length = 0;
    const flipped = new ScriptedChooser({ read: 'monolith', write: 'service' });
    const other = createSideSwitchingClient({
      service: 'storage',
      monolith: fakeClient('monolith', log),
      own: fakeClient('service', log),
      selector: flipped,
    });
    const delegate = other.user;
    await delegate.findMany();
    await delegate.create({});
    expect(log).toEqual(['monolith:user.findMany', 'service:user.create']);
  });

  it('connects and disconnects both sides, and extends both', async () => {
    const log: string[] = [];
    const client = createSideSwitchingClient({
      service: 's',
      monolith: fakeClient('monolith', log),
      own: fakeClient('service', log),
      selector: new ScriptedChooser({ read: 'service', write: 'service' }),
    });
    await client.$connect();
    await client.$disconnect();
    const extended = client.$extends('audit');
    await extended.user.findMany();
    expect(log.sort()).toEqual(
      [
        'monolith:$connect',
        'monolith:$disconnect',
        'monolith:$extends(audit)',
        'service:$connect',
        'service:$disconnect',
        'service:$extends(audit)',
        'service:user.findMany',
      ].sort(),
    );
    expect(client.plainValue).toBe(42);
  });

  it('classifies Prisma calls: model reads and $replica read, everything else writes', () => {
    expect(classifyPrismaCall(['user', 'findMany'])).toBe('read');
    expect(classifyPrismaCall(['user', 'aggregate'])).toBe('read');
    expect(classifyPrismaCall(['user', 'createMany'])).toBe('write');
    expect(classifyPrismaCall(['user', 'somethingNew'])).toBe('write');
    expect(classifyPrismaCall(['$replica'])).toBe('read');
    expect(classifyPrismaCall(['$executeRaw'])).toBe('write');
  });
});
