import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, portIsClosed } from '../test-support/pg-helpers.js';
import { containerRuntimeAvailable } from './container-runtime-detection.js';
import { listRunContainers } from './test-support/engine-api.js';

const ownerScript = fileURLToPath(new URL('./fixtures/container-owner.mjs', import.meta.url));
const engine = await containerRuntimeAvailable();
if (!engine) console.log('container-cleanup.it.ts skipped: no container engine answers (npm run containers:setup starts one)');

/**
 * Without testcontainers' reaper (its image needs a registry), the runtime's watchdog removes a
 * run's containers and network when the owner is killed and has no chance to stop them.
 */
describe.skipIf(!engine)('containers of an owner process killed with SIGKILL', () => {
  it('are removed with their network, and their ports close', async () => {
    const owner = spawn(process.execPath, [ownerScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => owner.once('exit', resolve));
    try {
      const started = await new Promise<{ runId: string; primary: { host: string; port: number } }>((resolve, reject) => {
        let output = '';
        owner.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
          if (line) resolve(JSON.parse(line) as { runId: string; primary: { host: string; port: number } });
        });
        owner.once('exit', (code) => reject(new Error(`the owner process exited before its containers were up (${code})`)));
      });
      const before = await listRunContainers(started.runId);
      expect(before.containers).toHaveLength(3);
      expect(before.networks).toHaveLength(1);
      expect(await portIsClosed(started.primary)).toBe(false);

      owner.kill('SIGKILL');
      await exited;
      const killedAt = performance.now();
      await eventually(
        async () => {
          const left = await listRunContainers(started.runId);
          return left.containers.length === 0 && left.networks.length === 0 ? true : undefined;
        },
        60_000,
        'the killed owner’s containers and network to be removed',
      );
      console.log(`containers and network removed ${Math.round(performance.now() - killedAt)} ms after SIGKILL`);
      expect(await portIsClosed(started.primary)).toBe(true);
    } finally {
      if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
    }
  }, 300_000);
});
