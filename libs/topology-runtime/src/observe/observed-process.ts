import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TopologyRuntimeError } from '../errors.js';

/** A program of the monitoring stack (Prometheus, an exporter) running as a child process. */
export interface ObservedProcess {
  readonly name: string;
  /** `host:port` it serves HTTP on. */
  readonly address: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface SpawnObservedOptions {
  name: string;
  command: string;
  args: string[];
  /** Added to the environment; used for the exporter's connection string, which must not appear in `ps`. */
  env?: NodeJS.ProcessEnv;
  address: string;
  /** Path answered with 200 once the program is ready, e.g. `/-/ready`. */
  readyPath: string;
  logFile: string;
  readyTimeoutMs?: number;
}

/** Starts the program, its output to `logFile`, and waits until `readyPath` answers 200. */
export async function spawnObserved(options: SpawnObservedOptions): Promise<ObservedProcess> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const stop = () => stopChild(child);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited !== undefined) {
      throw new TopologyRuntimeError(
        'RUNTIME_SERVER_START_FAILED',
        `${options.name} exited (code ${exited}) before it was ready; its log: ${options.logFile}`,
      );
    }
    if (await answers(`http://${options.address}${options.readyPath}`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new TopologyRuntimeError(
        'RUNTIME_SERVER_START_FAILED',
        `${options.name} did not answer on ${options.address}; its log: ${options.logFile}`,
      );
    }
    await sleep(100);
  }
  return { name: options.name, address: options.address, logFile: options.logFile, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
