import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TopologyRuntimeError } from '../errors.js';

/** What a persistent data directory remembers between runs (kept beside the clusters' directories). */
export interface RuntimeState {
  version: 1;
  /** The process currently running these servers; a live other process means "in use". */
  ownerPid?: number;
  superuserPassword?: string;
  /** Last port per `"<cluster>/<node>"`, reused when still free so URLs stay stable. */
  ports: Record<string, number>;
}

export const STATE_FILE = 'neo-runtime.json';

export async function readRuntimeState(dataDir: string): Promise<RuntimeState> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dataDir, STATE_FILE), 'utf8')) as Partial<RuntimeState>;
    return { version: 1, ports: {}, ...parsed };
  } catch {
    return { version: 1, ports: {} };
  }
}

export async function writeRuntimeState(dataDir: string, state: RuntimeState): Promise<void> {
  // It holds the superuser password: readable by this user only.
  await writeFile(path.join(dataDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Refuses a data directory whose servers another live process is running. */
export function assertNotInUse(dataDir: string, state: RuntimeState): void {
  const owner = state.ownerPid;
  if (owner === undefined || owner === process.pid || !isProcessAlive(owner)) return;
  throw new TopologyRuntimeError(
    'RUNTIME_DATA_DIR_IN_USE',
    `The data directory ${dataDir} is in use by process ${owner}. Stop that run first, or choose another data directory.`,
  );
}

/** Whether a process with this pid exists (one owned by another user counts: it answers EPERM). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
