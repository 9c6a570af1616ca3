import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, portIsClosed } from '../test-support/pg-helpers.js';

const ownerScript = fileURLToPath(new URL('./fixtures/owner-process.mjs', import.meta.url));

describe('watchdog', () => {
  it('stops the servers of a process that was killed with SIGKILL, and removes throwaway data', async () => {
    const owner = spawn(process.execPath, [ownerScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => owner.once('exit', resolve));
    try {
      const started = await new Promise<{ port: number; dataDir: string }>((resolve, reject) => {
        let output = '';
        owner.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
          if (line) resolve(JSON.parse(line) as { port: number; dataDir: string });
        });
        owner.once('exit', (code) => reject(new Error(`the owner process exited early (${code})`)));
      });
      const endpoint = { host: '127.0.0.1', port: started.port };
      expect(await portIsClosed(endpoint)).toBe(false);

      owner.kill('SIGKILL');
      await exited;
      const killedAt = performance.now();
      await eventually(async () => ((await portIsClosed(endpoint)) ? true : undefined), 20_000, 'the orphaned server to stop');
      console.log(`the watchdog stopped the orphaned server ${Math.round(performance.now() - killedAt)} ms after SIGKILL`);
      await eventually(async () => (existsSync(started.dataDir) ? undefined : true), 10_000, 'the throwaway data to be removed');
    } finally {
      if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
    }
  }, 60_000);
});
