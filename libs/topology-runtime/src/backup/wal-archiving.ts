import type { Cluster } from '@neo/topology';
import type { ServerOsUser } from '../embedded/server-os-user.js';
import { access } from 'node:fs/promises';
import { findPgBackRest, pgBackRestPaths, runPgBackRest, writePgBackRestConfig } from './pgbackrest.js';

/**
 * The server settings that archive a hot cluster's WAL with pgBackRest, for point-in-time
 * recovery (`neo-db restore --cluster <name> --to <time>`): every finished WAL segment is pushed
 * to the cluster's repository. Empty for warm and cold clusters (their dumps suffice) and where
 * pgbackrest is not installed (then `onMissing` says so once).
 */
export async function walArchivingSettings(
  dataDir: string,
  clusterName: string,
  cluster: Cluster,
  primaryDataDir: string,
  user: ServerOsUser | undefined,
  onMissing: (line: string) => void,
): Promise<WalArchiving> {
  if (cluster.temperature !== 'hot') return {};
  const pgbackrest = await findPgBackRest();
  if (!pgbackrest) {
    onMissing(`cluster ${clusterName} is hot but pgbackrest is not installed: no point-in-time recovery (apt-get install pgbackrest)`);
    return {};
  }
  const paths = pgBackRestPaths(dataDir, clusterName);
  await writePgBackRestConfig(paths, clusterName, primaryDataDir, user);
  const settings = {
    archive_mode: 'on',
    archive_command: `'${pgbackrest} --config=${paths.config} --stanza=${clusterName} archive-push %p'`,
    // A segment is archived at least every minute, also when writes are few.
    archive_timeout: "'60s'",
    unix_socket_directories: `'${paths.socket}'`,
  };
  // pgBackRest reaches the server through that socket only; the folder is the server user's alone.
  return { extraSettings: settings, extraHba: ['local   all             all                  scram-sha-256'] };
}

/** What a hot primary's server gets on top of the common configuration. */
export interface WalArchiving {
  extraSettings?: Record<string, string>;
  extraHba?: string[];
}

/**
 * Creates the cluster's stanza once its primary runs (a no-op when it exists): until then every
 * archive-push fails and the server keeps its WAL. Nothing happens for clusters without archiving.
 */
export async function createStanzaIfArchiving(
  dataDir: string,
  clusterName: string,
  primaryPort: number,
  admin: { user: string; password?: string },
  user: ServerOsUser | undefined,
): Promise<void> {
  const paths = pgBackRestPaths(dataDir, clusterName);
  const program = await findPgBackRest();
  if (
    !program ||
    !(await access(paths.config).then(
      () => true,
      () => false,
    ))
  )
    return;
  await runPgBackRest(program, paths, clusterName, 'stanza-create', [`--pg1-port=${primaryPort}`], user, admin);
}
