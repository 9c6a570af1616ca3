import type { LinkHealth, ServiceCutoverStatus } from '@neo/data/cutover';
import { describe, expect, it } from 'vitest';
import { formatClusterPrimary, formatReshard, formatStatus } from './status.command.js';

const link = (overrides: Partial<LinkHealth>): LinkHealth => ({
  name: 'neo_fwd_smartcontracts__smartcontracts_1',
  direction: 'forward',
  route: 'monolith/monolith-primary/neo_service_layer/smartcontracts → blockchain/blockchain-primary/neo_smartcontracts_1',
  exists: true,
  enabled: true,
  workerRunning: true,
  tablesNotReady: 0,
  slotExists: true,
  lagBytes: 0,
  lagMs: 0.4,
  errors: 0,
  ...overrides,
});

describe('neo-db status, in words', () => {
  it('names the current primary of a cluster, and says when it moved or when no single node takes writes', () => {
    expect(
      formatClusterPrimary('core', 'core-primary', [
        { name: 'core-primary', state: 'down' },
        { name: 'core-replica-1', state: 'primary' },
        { name: 'core-replica-2', state: 'replica' },
      ]),
    ).toEqual({
      line: 'cluster core: primary core-replica-1 (failed over from core-primary) · core-primary down · core-replica-2 replica',
      broken: false,
    });
    expect(
      formatClusterPrimary('core', 'core-primary', [
        { name: 'core-primary', state: 'read-only' },
        { name: 'core-replica-1', state: 'replica' },
      ]),
    ).toMatchObject({
      line: 'cluster core: ! no node takes writes (run neo-db failover core to promote a replica) · core-primary read-only · core-replica-1 replica',
      broken: true,
    });
    expect(
      formatClusterPrimary('core', 'core-primary', [
        { name: 'core-primary', state: 'primary' },
        { name: 'core-replica-1', state: 'primary' },
      ]).broken,
    ).toBe(true);
  });

  it('after a rollback says plainly that every read and write is on the monolith again (0 %)', () => {
    const rolledBack: ServiceCutoverStatus = {
      service: 'smartcontracts',
      phase: 'replicating',
      writeSide: 'monolith',
      flags: { readPercent: 0, writeSide: 'monolith' },
      replication: [link({})],
      problems: [],
    };
    expect(formatStatus(rolledBack)).toBe(
      [
        'smartcontracts: its own databases follow the monolith by replication (switch-writes can move writes there)',
        '  writes: on the monolith',
        '  reads:  0 % of users read from the service: every read goes to the monolith',
        '  monolith → service  monolith/monolith-primary/neo_service_layer/smartcontracts → blockchain/blockchain-primary/neo_smartcontracts_1: running, lag 0 bytes, 0.4 ms',
      ].join('\n'),
    );
  });

  it('calls a subscription whose worker PostgreSQL has not started yet starting, not broken', () => {
    const justSwitched: ServiceCutoverStatus = {
      service: 'smartcontracts',
      phase: 'writes-on-service',
      writeSide: 'service',
      flags: { readPercent: 100, writeSide: 'service' },
      replication: [
        link({ direction: 'reverse', workerRunning: false, starting: 'its apply worker is starting (within 5.0 s)' }),
        link({ direction: 'reverse', workerRunning: false, errors: 3, problem: 'no apply worker runs; its workers failed 3 time(s)' }),
      ],
      problems: [],
    };
    const text = formatStatus(justSwitched);
    expect(text).toContain('reads:  on the service for every user');
    expect(text).toContain(': starting: its apply worker is starting (within 5.0 s)');
    expect(text).toContain(': BROKEN: no apply worker runs; its workers failed 3 time(s)');
    expect(text.match(/BROKEN/g)).toHaveLength(1);
  });

  it('after finish shows the service on its own, without links and without calling anything broken', () => {
    const finished: ServiceCutoverStatus = {
      service: 'smartcontracts',
      phase: 'finished',
      writeSide: 'service',
      flags: { readPercent: 100, writeSide: 'service' },
      replication: [],
      problems: [],
    };
    expect(formatStatus(finished)).toBe(
      [
        'smartcontracts: finished: it lives in its own databases only, nothing replicates to or from the monolith (rollback is no longer possible)',
        '  writes: on the service',
        '  reads:  on the service for every user (with writes on the service, reads go there too)',
      ].join('\n'),
    );
  });

  it('says where a partial rollout sends reads, and when the guard and the flag disagree', () => {
    const text = formatStatus({
      service: 'storage',
      phase: 'replicating',
      writeSide: 'service',
      flags: { readPercent: 10, writeSide: 'monolith' },
      replication: [],
      problems: [],
    });
    expect(text).toContain('reads:  10 % of users read from the service (sticky by user id), the others from the monolith');
    expect(text).toContain('write guard says "service" while the write flag says "monolith"');
  });

  it('shows a reshard: its phase and the links of the direction replicating now', () => {
    const link = {
      name: 'neo_rsr_smartcontracts_5_1',
      direction: 'reverse',
      route: 'blockchain_2/p/neo_sc8_5 → blockchain/p/neo_sc_1',
      lagBytes: 0,
    } as LinkHealth;
    expect(
      formatReshard({
        service: 'smartcontracts',
        phase: 'writes-on-next',
        writesMovedAt: null,
        guards: { current: [], next: [] },
        links: [link],
      }),
    ).toBe(
      [
        'smartcontracts reshard: phase writes-on-next',
        '    neo_rsr_smartcontracts_5_1 blockchain_2/p/neo_sc8_5 → blockchain/p/neo_sc_1: running, lag 0 bytes',
      ].join('\n'),
    );
    expect(
      formatReshard({ service: 'smartcontracts', phase: null, writesMovedAt: null, guards: { current: [], next: [] }, links: [] }),
    ).toBe('smartcontracts reshard: phase not started (neo-db reshard smartcontracts copy)');
  });
});
