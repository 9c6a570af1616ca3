import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalService } from './local-services.js';
import { readCpuTicks } from './process-memory.js';

export interface RunningService {
  service: LocalService;
  url: string;
  /** The service's Node.js process (its memory is read from /proc/<pid>). */
  pid: number;
  /** How long it took from its spawn to its first healthy answer. */
  readyMs: number;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /**
   * The longest a service may take to answer `GET /health` with 200, however busy it keeps
   * itself (default 180 s): on a loaded laptop a service alone takes 15–25 s.
   */
  readyTimeoutMs?: number;
  /** How long it may sit without progress (no new log line, no CPU time spent) before it is given up (default 60 s). */
  stallTimeoutMs?: number;
  /** Aborted when the operator stops everything (Ctrl-C) while services are still starting: the service is stopped. */
  signal?: AbortSignal;
}

/** Why a service did not come up: names it and carries the last lines of its log. */
export class ServiceStartError extends Error {
  constructor(
    readonly app: string,
    reason: string,
    readonly lastLines: readonly string[],
  ) {
    super(
      `${app} ${reason}` +
        (lastLines.length > 0 ? `; the last lines of its log:\n${lastLines.map((line) => `  ${line}`).join('\n')}` : '; it wrote no log'),
    );
    this.name = 'ServiceStartError';
  }
}

/** How many of a service's last log lines an error about it carries. */
const LAST_LINES = 20;

/**
 * Starts one compiled NestJS service (apps/<app>/dist/main.js) as a child process and waits until
 * its health check passes. The wait has no fixed short deadline: it lasts while the process is
 * alive and making progress, so a slow machine is not mistaken for a broken service.
 */
export async function startServiceProcess(service: LocalService, options: StartServiceOptions): Promise<RunningService> {
  const entry = join(options.root, 'apps', service.app, 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`${service.app}: ${entry} does not exist. Build first: npm run build`);
  }
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    cwd: options.root,
    env: { ...options.env, PORT: String(service.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = followLines(child, service.app, options.log);
  const url = `http://127.0.0.1:${service.port}`;
  try {
    await waitUntilHealthy(child, `${url}/health`, output, {
      readyTimeoutMs: options.readyTimeoutMs ?? 180_000,
      stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    await stopChild(child, 2_000);
    throw new ServiceStartError(service.app, (error as Error).message, output.lastLines);
  }
  return { service, url, pid: child.pid!, readyMs: Date.now() - spawnedAt, stop: () => stopChild(child) };
}

interface FollowedOutput {
  readonly lastLines: string[];
  /** When the service last wrote a line (ms since the epoch). */
  lastLineAt: number;
}

/** Passes every line to the log, prefixed with the service's name, and keeps the last few for errors. */
function followLines(child: ChildProcess, name: string, log: (line: string) => void): FollowedOutput {
  const output: FollowedOutput = { lastLines: [], lastLineAt: Date.now() };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        log(`[${name}] ${line}`);
        output.lastLines.push(line);
        if (output.lastLines.length > LAST_LINES) output.lastLines.shift();
        output.lastLineAt = Date.now();
      }
    });
  }
  return output;
}

/** Rejects with the reason (without the service's name) when the service exits, stalls or exceeds the bound. */
async function waitUntilHealthy(
  child: ChildProcess,
  healthUrl: string,
  output: FollowedOutput,
  bounds: { readyTimeoutMs: number; stallTimeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const started = Date.now();
  let exit: string | undefined;
  // 'close', not 'exit': its last lines have been read by then, so the error can show them.
  child.once('close', (code, signal) => (exit = signal ? `signal ${signal}` : `code ${code}`));
  child.once('error', (error) => (exit = `an error: ${error.message}`));
  let lastCpuTicks = -1;
  let lastProgressAt = Date.now();
  for (;;) {
    if (exit !== undefined) throw new Error(`exited with ${exit} before it answered ${healthUrl}`);
    if (bounds.signal?.aborted) throw new Error('was stopped while it was starting');
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    // Progress: a new log line, or CPU time spent (loading modules, connecting). Where /proc is
    // missing, only the overall bound applies.
    const cpuTicks = child.pid !== undefined ? readCpuTicks(child.pid) : undefined;
    if (cpuTicks === undefined || cpuTicks !== lastCpuTicks) lastProgressAt = Date.now();
    if (cpuTicks !== undefined) lastCpuTicks = cpuTicks;
    lastProgressAt = Math.max(lastProgressAt, output.lastLineAt);
    const now = Date.now();
    if (now - lastProgressAt > bounds.stallTimeoutMs) {
      throw new Error(`made no progress for ${bounds.stallTimeoutMs} ms (no log line, no CPU time) and never answered ${healthUrl}`);
    }
    if (now - started > bounds.readyTimeoutMs) {
      throw new Error(`did not answer ${healthUrl} with 200 within ${bounds.readyTimeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** SIGTERM lets NestJS run its shutdown hooks (closing pools); SIGKILL only if it hangs. */
function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
