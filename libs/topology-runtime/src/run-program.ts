import { spawn } from 'node:child_process';
import { libpqTlsEnv, type TlsSettings } from '@neo/topology';
import { TopologyRuntimeError } from './errors.js';
import type { ServerOsUser } from './embedded/server-os-user.js';

export interface RunProgramOptions {
  user?: ServerOsUser | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Words to hide from the error message (passwords on a command line or in output). */
  secrets?: string[];
  /** The password of a PostgreSQL client program: given as PGPASSWORD, never on the command line where `ps` shows it. */
  password?: string | undefined;
  /** The server's TLS (a cluster's `tls`): given as PGSSLMODE=verify-full, PGSSLROOTCERT, … */
  tls?: TlsSettings | undefined;
}

/**
 * Runs a PostgreSQL program to completion and returns its output; a non-zero
 * exit becomes an error carrying the program's own message. Detached stdio is
 * not used: pg_ctl's server writes to its log file, not to these pipes.
 */
export function runProgram(program: string, args: string[], options: RunProgramOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd ?? '/',
      env: {
        ...(options.env ?? process.env),
        LC_ALL: 'C',
        LC_MESSAGES: 'C',
        ...(options.password !== undefined ? { PGPASSWORD: options.password } : {}),
        ...libpqTlsEnv(options.tls),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (cause) =>
      reject(new TopologyRuntimeError('RUNTIME_COMMAND_FAILED', `Could not run ${program}: ${cause.message}`, { cause })),
    );
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(output);
      const secrets = [...(options.secrets ?? []), ...(options.password ? [options.password] : [])];
      const shown = redact(output.trim(), secrets);
      reject(
        new TopologyRuntimeError(
          'RUNTIME_COMMAND_FAILED',
          `${program.split('/').pop()} ${redact(args.join(' '), secrets)} failed (exit ${code ?? signal}): ${shown}`,
        ),
      );
    });
  });
}

function redact(text: string, secrets: string[] = []): string {
  return secrets.filter(Boolean).reduce((shown, secret) => shown.split(secret).join('***'), text);
}
