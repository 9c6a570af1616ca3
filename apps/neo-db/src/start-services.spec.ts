import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalService } from './local-services.js';
import { readRssKiB } from './process-memory.js';
import { ServiceStartError, type RunningService } from './service-process.js';
import { startServices } from './start-services.js';

/**
 * Stand-in services: small Node programs at apps/<app>/dist/main.js of a scratch workspace, started
 * exactly as the real ones are. Each behaviour is written out below.
 */
const PROGRAMS = {
  /** Answers /health only once every program of this kind has started: only a parallel start gets them all up. */
  waitsForTheOthers: (markers: string, count: number) => `
    const { mkdirSync, readdirSync, writeFileSync } = require('node:fs');
    mkdirSync(${JSON.stringify(markers)}, { recursive: true });
    writeFileSync(${JSON.stringify(markers)} + '/' + process.pid, '');
    console.log('waiting for the others');
    const timer = setInterval(() => {
      if (readdirSync(${JSON.stringify(markers)}).length < ${count}) return;
      clearInterval(timer);
      require('node:http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
    }, 50);`,
  /** Writes a few lines and exits with an error, as a service with a bad configuration does. */
  crashes: `
    console.log('loading the topology');
    console.error('Error: NEO_TOPOLOGY points at a file that does not exist');
    process.exit(3);`,
  /** Says its pid, then stays alive without listening: a service still starting. */
  slow: `console.log('pid ' + process.pid); setInterval(() => undefined, 60_000);`,
  /** Stays alive, silent and idle, never listening: a hung service. */
  hangs: `setInterval(() => undefined, 60_000);`,
};

describe('startServices', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function workspace(programs: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'neo-start-services-'));
    chmodSync(root, 0o755);
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    for (const [app, source] of Object.entries(programs)) {
      mkdirSync(join(root, 'apps', app, 'dist'), { recursive: true });
      // CommonJS: the scratch workspace has no package.json saying "module".
      writeFileSync(join(root, 'apps', app, 'dist', 'main.js'), source);
    }
    return root;
  }

  async function services(apps: string[]): Promise<LocalService[]> {
    return Promise.all(apps.map(async (app) => ({ topologyService: app, app, port: await freePort() })));
  }

  function stopAfter(started: RunningService[]): void {
    cleanups.push(async () => {
      await Promise.all(started.map((s) => s.stop()));
    });
  }

  it('starts services side by side, each healthy, in the declared order, with their pids', async () => {
    const markers = join(tmpdir(), `neo-start-markers-${process.pid}-${Date.now()}`);
    cleanups.push(() => rmSync(markers, { recursive: true, force: true }));
    const apps = ['one', 'two', 'three'];
    const root = workspace(Object.fromEntries(apps.map((app) => [app, PROGRAMS.waitsForTheOthers(markers, apps.length)])));
    const started: RunningService[] = [];
    stopAfter(started);
    const lines: string[] = [];

    await startServices(await services(apps), started, { root, env: process.env, log: (line) => lines.push(line), concurrency: 3 });

    expect(started.map((s) => s.service.app)).toEqual(apps);
    for (const s of started) {
      expect((await fetch(`${s.url}/health`)).status).toBe(200);
      expect(readRssKiB(s.pid)).toBeGreaterThan(0);
    }
    expect(lines).toContain('[two] waiting for the others');
  });

  it('names a service that exits before it is healthy, with the last lines of its log, and starts nothing after it', async () => {
    const root = workspace({ broken: PROGRAMS.crashes, later: PROGRAMS.hangs });
    const started: RunningService[] = [];
    stopAfter(started);

    const failure = await startServices(await services(['broken', 'later']), started, {
      root,
      env: process.env,
      log: () => undefined,
      concurrency: 1,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ServiceStartError);
    const message = (failure as ServiceStartError).message;
    expect(message).toMatch(/^broken exited with code 3 before it answered http:\/\/127\.0\.0\.1:\d+\/health/);
    expect(message).toContain('loading the topology');
    expect(message).toContain('NEO_TOPOLOGY points at a file that does not exist');
    expect(started).toEqual([]);
  });

  it('gives up on a service that stays alive but makes no progress', async () => {
    const root = workspace({ hung: PROGRAMS.hangs });
    const started: RunningService[] = [];
    stopAfter(started);

    const failure = await startServices(await services(['hung']), started, {
      root,
      env: process.env,
      log: () => undefined,
      concurrency: 2,
      stallTimeoutMs: 1_500,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ServiceStartError);
    expect((failure as ServiceStartError).message).toMatch(/^hung made no progress for 1500 ms .*; it wrote no log$/);
  });
});

describe('startServices stopped while starting', () => {
  it('stops the services still starting when the operator stops everything', async () => {
    const root = mkdtempSync(join(tmpdir(), 'neo-start-abort-'));
    chmodSync(root, 0o755);
    try {
      mkdirSync(join(root, 'apps', 'slow', 'dist'), { recursive: true });
      writeFileSync(join(root, 'apps', 'slow', 'dist', 'main.js'), PROGRAMS.slow);
      const abort = new AbortController();
      let pid: number | undefined;
      const log = (line: string) => {
        const said = /^\[slow\] pid (\d+)$/.exec(line);
        if (said) {
          pid = Number(said[1]);
          abort.abort();
        }
      };
      const started: RunningService[] = [];
      const service = { topologyService: 'slow', app: 'slow', port: await freePort() };
      const failure = await startServices([service], started, { root, env: process.env, log, concurrency: 1, signal: abort.signal }).catch(
        (error: unknown) => error,
      );
      expect((failure as Error).message).toMatch(/^slow was stopped while it was starting/);
      expect(started).toEqual([]);
      expect(pid).toBeGreaterThan(0);
      expect(() => process.kill(pid!, 0)).toThrow();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
