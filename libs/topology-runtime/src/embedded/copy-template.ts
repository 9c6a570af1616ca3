import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runProgram } from '../run-program.js';
import type { ServerBinaries } from './postgres-binaries.js';
import type { ServerOsUser } from './server-os-user.js';
import { templateDataDir, type TemplateDataDir } from './template-data-dir.js';

/** Creates a new, never-started data directory at `target` from the shared initdb template. */
export async function createDataDirFromTemplate(
  target: string,
  binaries: ServerBinaries,
  user: ServerOsUser | undefined,
  log?: (line: string) => void,
): Promise<TemplateDataDir> {
  const template = await templateDataDir(binaries, log);
  await mkdir(path.dirname(target), { recursive: true });
  // `cp -a` keeps owner and modes (PostgreSQL insists on 0700 and its own user), which fs.cp does not;
  // on Linux file systems that can share blocks (btrfs, xfs) the copy is nearly free.
  const reflink = process.platform === 'linux' ? ['--reflink=auto'] : [];
  await runProgram('cp', ['-a', ...reflink, template.dataDir, target], { user });
  return template;
}
