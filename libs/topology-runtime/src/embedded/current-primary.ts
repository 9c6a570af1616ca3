import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What a cluster's data directory remembers about its roles after a failover. */
export interface CurrentPrimaryRecord {
  /** The node that takes writes now. */
  primary: string;
  /** When it became the primary (ISO 8601). */
  since: string;
}

/** `<dataDir>/<cluster>/current-primary.json`: beside the nodes' data directories, so `--wipe` removes it with them. */
export function currentPrimaryFile(dataDir: string, cluster: string): string {
  return path.join(dataDir, cluster, 'current-primary.json');
}

/**
 * The node recorded as the cluster's primary by the last failover, or undefined when none was
 * recorded (the declared primary is the primary). A file that cannot be read counts as none.
 */
export async function readCurrentPrimary(dataDir: string, cluster: string): Promise<CurrentPrimaryRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(currentPrimaryFile(dataDir, cluster), 'utf8')) as Partial<CurrentPrimaryRecord>;
    return typeof parsed.primary === 'string' ? { primary: parsed.primary, since: String(parsed.since ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records `primary` as the cluster's primary, written whole (a reader never sees half a file), so
 * the next start of the runtime starts it as the primary. Returns false, writing nothing, when the
 * data directory holds no such cluster (its servers run elsewhere).
 */
export async function writeCurrentPrimary(dataDir: string, cluster: string, primary: string): Promise<boolean> {
  const file = currentPrimaryFile(dataDir, cluster);
  if (!existsSync(path.dirname(file))) return false;
  const record: CurrentPrimaryRecord = { primary, since: new Date().toISOString() };
  await writeFile(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return true;
}
