import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WorkspacePaths } from './workspace-paths.js';

const HEADER = `# The flags of the local topology, as the services and neo-db use them now. Seeded from
# config/flags.yaml (the declared defaults; never changed by the tools) when missing and on
# \`npm start -- --wipe\`. The cutover commands change this file and the services follow it.
# Delete it to go back to the defaults.
`;

/**
 * Makes sure the runtime flags file exists, copying the declared defaults into it when it is
 * missing, or always with `reset` (a wiped topology starts on the defaults, as its data does).
 * Returns true when it was (re)seeded. A file given by the operator is only seeded when missing.
 */
export function ensureRuntimeFlags(paths: WorkspacePaths, options: { reset?: boolean } = {}): boolean {
  if (paths.flagsFile === paths.declaredFlagsFile) return false;
  // A file the operator named ($NEO_FLAGS_FILE) is theirs: seeded when missing, never reset.
  const ours = paths.flagsFile === join(dirname(paths.localDataDir), 'flags.yaml');
  if (existsSync(paths.flagsFile) && !(options.reset && ours)) return false;
  mkdirSync(dirname(paths.flagsFile), { recursive: true });
  const defaults = existsSync(paths.declaredFlagsFile) ? readFileSync(paths.declaredFlagsFile, 'utf8') : 'version: 1\nflags: {}\n';
  writeFileSync(paths.flagsFile, `${HEADER}#\n${defaults}`);
  return true;
}
