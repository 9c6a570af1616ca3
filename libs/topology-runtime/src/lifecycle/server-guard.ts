import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ServerOsUser } from '../embedded/server-os-user.js';
import { WATCHDOG_SCRIPT } from './watchdog-script.js';

/** A server this process started and must not leave behind. */
export interface GuardedServer {
  dataDir: string;
  /** A directory to delete once the server is down (throwaway servers). */
  removeDir?: string;
  /** Stops the server cleanly; used on SIGINT/SIGTERM. */
  stop(): Promise<void>;
}

interface GuardSettings {
  pgCtl: string;
  user: ServerOsUser | undefined;
}

const guarded = new Set<GuardedServer>();
let settings: GuardSettings | undefined;
let registryFile: string | undefined;
let hooksInstalled = false;

/**
 * Registers a running server so it is stopped on every way out of this process:
 * `process.exit` and uncaught errors (the 'exit' hook signals each postmaster
 * synchronously), SIGINT/SIGTERM (a clean stop, then the signal's usual effect),
 * and SIGKILL (a detached watchdog process notices the owner is gone).
 */
export function guardServer(server: GuardedServer, guardSettings: GuardSettings): void {
  settings = guardSettings;
  guarded.add(server);
  installHooks();
  writeRegistry();
}

/** Forgets a server after it was stopped on purpose. */
export function releaseServer(server: GuardedServer): void {
  guarded.delete(server);
  writeRegistry();
}

function writeRegistry(): void {
  if (!settings) return;
  if (!registryFile) {
    registryFile = path.join(tmpdir(), `neo-pg-watchdog-${process.pid}-${Date.now()}.json`);
    writeRegistryFile();
    startWatchdog(registryFile);
    return;
  }
  writeRegistryFile();
}

function writeRegistryFile(): void {
  if (!registryFile || !settings) return;
  const content = {
    pgCtl: settings.pgCtl,
    ...(settings.user ? { uid: settings.user.uid, gid: settings.user.gid } : {}),
    servers: [...guarded].map(({ dataDir, removeDir }) => ({ dataDir, ...(removeDir ? { removeDir } : {}) })),
  };
  writeFileSync(registryFile, JSON.stringify(content), { mode: 0o600 });
}

function startWatchdog(file: string): void {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, String(process.pid), file], {
    detached: true,
    stdio: 'ignore',
    // Only what the script needs: no inherited NODE_OPTIONS/loaders from a test runner.
    env: { PATH: process.env['PATH'] ?? '' },
  });
  watchdog.unref();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', signalAllPostmasters);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => void stopAllThenReraise(signal));
  }
}

/** 'exit' handlers must be synchronous: ask each postmaster for a fast shutdown without waiting. */
function signalAllPostmasters(): void {
  for (const server of guarded) {
    try {
      const pid = Number(readFileSync(path.join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // not running any more
    }
  }
  // The registry stays: the watchdog sees this process gone, waits for the servers and removes throwaway directories.
}

async function stopAllThenReraise(signal: NodeJS.Signals): Promise<void> {
  await Promise.allSettled([...guarded].map((server) => server.stop()));
  // Re-raise only when nobody else handles the signal, so its usual effect (ending the process) follows.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
