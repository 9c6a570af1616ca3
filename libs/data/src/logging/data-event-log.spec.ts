import { describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../context/request-context.js';
import type { SidePlacement } from '../selection/connection-selector.js';
import { DataEventLog, eventPlace, type DataEvent } from './data-event-log.js';
import { logFormat } from './service-logger.js';

function capture() {
  const lines: Array<{ level: string; event: DataEvent; context?: string }> = [];
  const logger = {
    log: (message: unknown, context?: string) => void lines.push({ level: 'log', event: message as DataEvent, context }),
    warn: (message: unknown, context?: string) => void lines.push({ level: 'warn', event: message as DataEvent, context }),
  };
  return { lines, log: new DataEventLog('oracle', logger) };
}

const replica = eventPlace({
  cluster: 'blockchain',
  node: 'blockchain-replica-1',
  role: 'replica',
  host: '127.0.0.1',
  port: 5433,
  database: 'neo_oracle',
  user: 'u',
  password: 'secret-pw',
  pool: { max: 1, min: 0, idleTimeoutMs: 1, connectionTimeoutMs: 1 },
  weight: 1,
});
const placement = (writes: 'monolith' | 'service', reads: 'service' | 'by-user') => ({ service: 'oracle', writes, reads }) as SidePlacement;

describe('DataEventLog', () => {
  it('logs a replica leaving and returning to rotation once each, however many polls see it', () => {
    const { lines, log } = capture();
    for (let poll = 0; poll < 5; poll++) log.replicaRotation(replica, true, 0.4);
    for (let poll = 0; poll < 5; poll++) log.replicaRotation(replica, false, 250);
    for (let poll = 0; poll < 5; poll++) log.replicaRotation(replica, true, 1);
    expect(lines.map(({ level, event }) => [level, event.event, event['inRotation']])).toEqual([
      ['warn', 'replica-rotation', false],
      ['log', 'replica-rotation', true],
    ]);
    expect(lines[0]!.event).toMatchObject({
      service: 'oracle',
      side: 'service',
      shard: 'neo_oracle',
      node: 'blockchain/blockchain-replica-1',
      lagMs: 250,
    });
    expect(lines[0]!.context).toBe('neo-data');
    expect(JSON.stringify(lines)).not.toContain('secret-pw');
  });

  it('logs a replica that starts out of rotation, and breakers opening and closing', () => {
    const { lines, log } = capture();
    log.replicaRotation(replica, false);
    log.breaker(replica, 'open', new Error('connect ECONNREFUSED'));
    log.breaker(replica, 'half-open');
    log.breaker(replica, 'closed');
    expect(lines.map(({ event }) => [event.event, event['inRotation'] ?? event['state']])).toEqual([
      ['replica-rotation', false],
      ['breaker', 'open'],
      ['breaker', 'half-open'],
      ['breaker', 'closed'],
    ]);
    expect(lines[1]!.event['cause']).toBe('connect ECONNREFUSED');
  });

  it('logs the first flag placement and each change that moves the service, not the others', () => {
    const { lines, log } = capture();
    log.flags(placement('monolith', 'by-user'));
    log.flags(placement('monolith', 'by-user'));
    log.flags(placement('service', 'service'));
    expect(lines.map(({ event }) => [event['writes'], event['reads']])).toEqual([
      ['monolith', 'by-user'],
      ['service', 'service'],
    ]);
  });

  it('carries the request id of the request in which the change was seen', () => {
    const { lines, log } = capture();
    runWithRequestContext({ requestId: 'req-42' }, () => log.writeRedirect('service', false));
    expect(lines[0]!.event).toMatchObject({
      event: 'write-redirect',
      service: 'oracle',
      requestId: 'req-42',
      side: 'service',
      flagsAgreed: false,
    });
  });
});

describe('logFormat', () => {
  it('is pretty in a terminal, JSON otherwise, and NEO_LOG_FORMAT decides when set', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ NEO_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ NEO_LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });
});
