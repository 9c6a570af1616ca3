import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalService } from './local-services.js';

export interface RunningService {
  service: LocalService;
  url: string;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** How long to wait for `GET /health` to answer 200. */
  readyTimeoutMs?: number;
}

/** Starts one compiled NestJS service as a child process and waits until its health check passes. */
export async function startServiceProcess(service: LocalService, options: StartServiceOptions): Promise<RunningService> {
  const entry = join(options.root, 'apps', service.app, 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`${service.app}: ${entry} does not exist. Build first: npm run build`);
  }
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    cwd: options.root,
    env: { ...options.env, PORT: String(service.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(child, service.app, options.log);
  const url = `http://127.0.0.1:${service.port}`;
  await waitUntilHealthy(child, `${url}/health`, service.app, options.readyTimeoutMs ?? 30_000);
  return { service, url, stop: () => stopChild(child) };
}

function prefixLines(child: ChildProcess, name: string, log: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(`[${name}] ${line}`);
    });
  }
}

async function waitUntilHealthy(child: ChildProcess, healthUrl: string, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`${name} exited with code ${exited} before it became healthy (see its log above)`);
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not answer ${healthUrl} with 200 within ${timeoutMs} ms`);
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
