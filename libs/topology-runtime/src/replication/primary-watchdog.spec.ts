import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FailoverNode } from './promote-replica.js';
import { PrimaryWatchdog } from './primary-watchdog.js';

/*
 * The watchdog's timing and once-per-outage rule, against nodes that answer no check: ports
 * where a listener accepts connections and never speaks PostgreSQL (a hung server), and a port
 * nothing listens on (a dead one).
 */

let hung: Server;
let hungPort: number;
const accepted: Socket[] = [];
let closed = 0;
let deadPort: number;

beforeAll(async () => {
  // Reads (and drops) what clients send, so it sees them hang up.
  hung = createServer((socket) => {
    accepted.push(socket);
    socket.on('close', () => closed++).resume();
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', () => resolve()));
  hungPort = (hung.address() as { port: number }).port;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  deadPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise<void>((resolve) => hung.close(() => resolve()));
});

const node = (name: string, port: number): FailoverNode => ({ name, target: { host: '127.0.0.1', port, user: 'nobody' } });

describe('PrimaryWatchdog', () => {
  it('acts once the primary has answered no check for the declared time, and only once for that outage', async () => {
    const calls: { name: string; downMs: number; at: number }[] = [];
    const started = performance.now();
    const watchdog = PrimaryWatchdog.start({
      cluster: 'fo',
      currentPrimary: () => Promise.resolve(node('fo-primary', deadPort)),
      unreachableForMs: 300,
      checkIntervalMs: 50,
      onUnreachable: (primary, downMs) => {
        calls.push({ name: primary.name, downMs, at: performance.now() - started });
        return Promise.resolve();
      },
    });
    await sleep(1_200);
    await watchdog.stop();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('fo-primary');
    expect(calls[0]!.downMs).toBeGreaterThanOrEqual(300);
    expect(calls[0]!.at).toBeLessThan(900);
  });

  it('takes a server that accepts and never answers for down once the declared time is over, and keeps no connection to it', async () => {
    const calls: string[] = [];
    const watchdog = PrimaryWatchdog.start({
      cluster: 'fo',
      currentPrimary: () => Promise.resolve(node('fo-primary', hungPort)),
      unreachableForMs: 300,
      checkIntervalMs: 100,
      onUnreachable: (primary) => Promise.resolve(void calls.push(primary.name)),
    });
    await sleep(1_000);
    await watchdog.stop();
    expect(calls).toEqual(['fo-primary']);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(closed).toBe(accepted.length));
  });

  it('watches the new primary once another node is recorded: its outage is a new one', async () => {
    const calls: string[] = [];
    let current = 'fo-primary';
    const watchdog = PrimaryWatchdog.start({
      cluster: 'fo',
      currentPrimary: () => Promise.resolve(node(current, deadPort)),
      unreachableForMs: 200,
      checkIntervalMs: 50,
      onUnreachable: (primary) => {
        calls.push(primary.name);
        current = 'fo-replica-1';
        return Promise.resolve();
      },
    });
    await sleep(1_000);
    await watchdog.stop();
    expect(calls).toEqual(['fo-primary', 'fo-replica-1']);
  });

  it('does not act once stopped, and waits for an action in progress', async () => {
    const calls: string[] = [];
    let finished = false;
    const early = PrimaryWatchdog.start({
      cluster: 'fo',
      currentPrimary: () => Promise.resolve(node('fo-primary', deadPort)),
      unreachableForMs: 400,
      checkIntervalMs: 50,
      onUnreachable: (primary) => Promise.resolve(void calls.push(primary.name)),
    });
    await sleep(200);
    await early.stop();
    await sleep(400);
    expect(calls).toEqual([]);

    const busy = PrimaryWatchdog.start({
      cluster: 'fo',
      currentPrimary: () => Promise.resolve(node('fo-primary', deadPort)),
      unreachableForMs: 100,
      checkIntervalMs: 50,
      onUnreachable: async () => {
        await sleep(300);
        finished = true;
      },
    });
    await sleep(250);
    await busy.stop();
    expect(finished).toBe(true);
  });
});
