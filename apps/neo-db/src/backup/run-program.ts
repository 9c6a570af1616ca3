import { execFile } from 'node:child_process';

/**
 * Runs a PostgreSQL client program and resolves when it exits 0; otherwise rejects with its
 * stderr. Passwords go in `PGPASSWORD` (never on the command line, where `ps` would show them).
 */
export function runProgram(program: string, args: readonly string[], password: string | undefined): Promise<string> {
  const env = { ...process.env, ...(password !== undefined ? { PGPASSWORD: password } : {}) };
  return new Promise((resolve, reject) => {
    execFile(program, [...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const name = program.split('/').pop();
        reject(new Error(`${name} failed (exit ${String(error.code)}): ${stderr.trim() || error.message}`, { cause: error }));
      } else resolve(stdout);
    });
  });
}
