import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, portIsClosed } from '../test-support/pg-helpers.js';

const ownerScript = fileURLToPath(new URL('./fixtures/owner-process.mjs', import.meta.url));
// The workspace's source hooks: the owner imports the runtime's TypeScript sources, no build needed.
const sourceHooks = fileURLToPath(new URL('../../../../tools/typescript-sources.mjs', import.meta.url));

/**
 * SIGKILL leaves no chance to clean up: the detached watchdog does it. SIGTERM
 * and an uncaught error are handled inside the owner (and the watchdog would
 * still catch what they miss). Either way no server outlives its owner.
 */
describe.each([{ ending: 'SIGKILL' as const }, { ending: 'SIGTERM' as const }, { ending: 'uncaught error' as const }])(
  'servers of an owner process that ends by $ending',
  ({ ending }) => {
    it('are stopped, and throwaway data is removed', async () => {
      const args = ['--import', sourceHooks, ownerScript, ...(ending === 'uncaught error' ? ['throw'] : [])];
      const owner = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
      const exited = new Promise((resolve) => owner.once('exit', resolve));
      try {
        const started = await new Promise<{ port: number; dataDir: string }>((resolve, reject) => {
          let output = '';
          owner.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString('utf8');
            const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
            if (line) resolve(JSON.parse(line) as { port: number; dataDir: string });
          });
          owner.once('exit', (code) => reject(new Error(`the owner process exited before its server was up (${code})`)));
        });
        const endpoint = { host: '127.0.0.1', port: started.port };
        if (ending !== 'uncaught error') {
          expect(await portIsClosed(endpoint)).toBe(false);
          owner.kill(ending);
        }
        await exited;
        const killedAt = performance.now();
        await eventually(async () => ((await portIsClosed(endpoint)) ? true : undefined), 20_000, 'the orphaned server to stop');
        console.log(`the server was down ${Math.round(performance.now() - killedAt)} ms after its owner ended by ${ending}`);
        await eventually(async () => (existsSync(started.dataDir) ? undefined : true), 10_000, 'the throwaway data to be removed');
      } finally {
        if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
      }
    }, 60_000);
  },
);
