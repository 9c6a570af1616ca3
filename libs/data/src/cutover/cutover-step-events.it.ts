import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSideSwitchingDataSource, type SideSwitchingDataSource } from '../data-source/side-switching.data-source.js';
import { FileFlagProvider } from '../flags/file.flag-provider.js';
import { PrismaClient } from '../generated/replica-fixture/client.js';
import { DataEventLog, type EventLogger } from '../logging/index.js';
import { DataMetrics } from '../metrics/data-metrics.js';
import { copyService } from './copy-service.js';
import type { CutoverContext } from './cutover-context.js';
import { moveWrites } from './move-writes.js';
import { rollbackService } from './rollback-service.js';
import { cutoverEventLogger } from './step-events.js';
import { switchReads } from './switch-reads.js';
import { verifyService } from './verify.js';
import { startCutoverFixture, type CutoverFixture } from './test-support/cutover-fixture.js';

/*
 * Each operator step logged once, as the JSON line `neo-db` writes (the services' logger on
 * stderr), and a service following the flags file logging each placement a step gives it.
 * The unsharded storage service: the monolith cluster and the core cluster, primaries only.
 */
const SERVICE = 'storage';
let fixture: CutoverFixture;
let context: CutoverContext;
let flags: FileFlagProvider;
let source: SideSwitchingDataSource;
/** What the service logged under the data-layer context. */
const serviceEvents: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  fixture = await startCutoverFixture({ service: SERVICE, unsharded: true, timeouts: { workerStartMs: 2_000 } });
  context = { ...fixture.context, events: cutoverEventLogger({ NEO_LOG_FORMAT: 'json' }) };
  // A service instance reading the flags file the steps write (no query is made: only its flag events count).
  flags = await FileFlagProvider.open({ path: fixture.flagsFile });
  const metrics = new DataMetrics({ service: SERVICE });
  const capture: EventLogger = {
    log: (message) => void serviceEvents.push(message as Record<string, unknown>),
    warn: (message) => void serviceEvents.push(message as Record<string, unknown>),
  };
  metrics.events = new DataEventLog(SERVICE, capture);
  source = createSideSwitchingDataSource({
    service: SERVICE,
    topology: fixture.topology,
    createClient: (adapter) => new PrismaClient({ adapter }),
    flags,
    metrics,
  });
}, 180_000);

afterAll(async () => {
  await source?.close();
  await flags?.close();
  await fixture?.stop();
});

/** Runs a step and returns the JSON lines it wrote to stderr that parse as data-layer events. */
async function loggedLines(step: () => Promise<unknown>): Promise<{ lines: Array<Record<string, unknown>>; error?: unknown }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  let error: unknown;
  try {
    await step();
  } catch (caught) {
    error = caught;
  } finally {
    spy.mockRestore();
  }
  const lines = written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['context'] === 'neo-data');
  return { lines, ...(error !== undefined ? { error } : {}) };
}

/** The one `cutover-step` event a step logged (its JSON line's `message`). */
function onlyStep(lines: Array<Record<string, unknown>>): Record<string, unknown> {
  const steps = lines.map((line) => line['message'] as Record<string, unknown>).filter((message) => message['event'] === 'cutover-step');
  expect(steps).toHaveLength(1);
  return steps[0]!;
}

/** The service's flag events once they number `count` (the file provider reloads shortly after an edit). */
async function flagEvents(count: number): Promise<Array<Record<string, unknown>>> {
  await vi.waitFor(() => expect(serviceEvents.filter((event) => event['event'] === 'flags')).toHaveLength(count), { timeout: 10_000 });
  return serviceEvents.filter((event) => event['event'] === 'flags');
}

describe('cutover steps as data-layer events', () => {
  it('logs a refused step once, with its error code, as a warning', async () => {
    const { lines, error } = await loggedLines(() => switchReads(context, SERVICE, 10));
    expect(error).toMatchObject({ code: 'CUTOVER_WRONG_PHASE' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', context: 'neo-data' });
    expect(onlyStep(lines)).toMatchObject({
      event: 'cutover-step',
      service: SERVICE,
      step: 'switch-reads',
      phaseBefore: null,
      phaseAfter: null,
      outcome: 'failed',
      code: 'CUTOVER_WRONG_PHASE',
      error: expect.stringContaining('neo-db copy storage'),
      durationMs: expect.any(Number),
    });
  });

  it('logs copy, verify, switch-reads, switch-writes and rollback once each, with the phase before and after; the service logs each placement', async () => {
    expect(await flagEvents(1)).toEqual([expect.objectContaining({ service: SERVICE, writes: 'monolith', reads: 'by-user' })]);

    const copy = onlyStep((await loggedLines(() => copyService(context, SERVICE))).lines);
    expect(copy).toMatchObject({ service: SERVICE, step: 'copy', phaseBefore: null, phaseAfter: 'replicating', outcome: 'done' });
    expect(copy['durationMs']).toBeGreaterThan(0);

    // switch-writes verifies on its own: only its own step is logged, not a verify inside it.
    const verify = onlyStep((await loggedLines(() => verifyService(context, SERVICE))).lines);
    expect(verify).toMatchObject({
      step: 'verify',
      phaseBefore: 'replicating',
      phaseAfter: 'replicating',
      outcome: 'done',
      consistent: true,
    });

    const reads = onlyStep((await loggedLines(() => switchReads(context, SERVICE, 100))).lines);
    expect(reads).toMatchObject({
      step: 'switch-reads',
      percent: 100,
      phaseBefore: 'replicating',
      phaseAfter: 'replicating',
      outcome: 'done',
    });
    expect((await flagEvents(2))[1]).toMatchObject({ writes: 'monolith', reads: 'service' });

    const writes = onlyStep((await loggedLines(() => moveWrites(context, SERVICE, 'service'))).lines);
    expect(writes).toMatchObject({
      step: 'switch-writes',
      to: 'service',
      phaseBefore: 'replicating',
      phaseAfter: 'writes-on-service',
      outcome: 'done',
      writePauseMs: expect.any(Number),
      fencedMs: expect.any(Number),
    });
    expect((await flagEvents(3))[2]).toMatchObject({ writes: 'service', reads: 'service' });

    const again = onlyStep((await loggedLines(() => moveWrites(context, SERVICE, 'service'))).lines);
    expect(again).toMatchObject({
      step: 'switch-writes',
      phaseBefore: 'writes-on-service',
      phaseAfter: 'writes-on-service',
      outcome: 'nothing-to-do',
    });

    const rollback = onlyStep((await loggedLines(() => rollbackService(context, SERVICE))).lines);
    expect(rollback).toMatchObject({
      step: 'rollback',
      to: 'monolith',
      phaseBefore: 'writes-on-service',
      phaseAfter: 'replicating',
      outcome: 'done',
      writePauseMs: expect.any(Number),
    });
    expect((await flagEvents(4))[3]).toMatchObject({ writes: 'monolith', reads: 'by-user' });
    // No password of any login in any line.
    const everything = JSON.stringify(serviceEvents) + JSON.stringify([copy, verify, reads, writes, rollback]);
    for (const login of Object.values(fixture.running.admin)) if (login.password) expect(everything).not.toContain(login.password);
  }, 300_000);
});
