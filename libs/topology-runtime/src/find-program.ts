import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * An installed program: `given` (from an environment variable) when set, else the first
 * executable `name` on PATH or in `folders` (where Debian puts a package's binary when PATH
 * lacks it); undefined when it is not installed.
 */
export function findProgram(
  name: string,
  options: { given?: string | undefined; folders?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): string | undefined {
  if (options.given) return options.given;
  const onPath = ((options.env ?? process.env)['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  return [...onPath, ...(options.folders ?? [])].map((folder) => path.join(folder, name)).find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
