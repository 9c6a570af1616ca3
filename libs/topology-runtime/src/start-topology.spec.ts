import { describe, expect, it } from 'vitest';
import { chooseProvider } from './start-topology.js';
import { containerRuntimeAvailable } from './testcontainers/container-runtime-detection.js';

const noEngine = { PATH: process.env['PATH'] ?? '' };
const engineHere = await containerRuntimeAvailable(noEngine);

describe('provider choice', () => {
  it.skipIf(engineHere)('auto falls back to embedded when no container runtime answers', async () => {
    const started = performance.now();
    const lines: string[] = [];
    await expect(chooseProvider({ provider: 'auto', env: noEngine }, (line) => lines.push(line))).resolves.toBe('embedded');
    console.log(`auto → embedded decided in ${(performance.now() - started).toFixed(1)} ms`);
    expect(lines.join('\n')).toMatch(/no container runtime answered/);
  });

  it('asks testcontainers to probe when DOCKER_HOST names an engine, and falls back when it does not answer', async () => {
    // Nothing listens on this port: testcontainers' own probe must fail.
    await expect(chooseProvider({ provider: 'auto', env: { ...noEngine, DOCKER_HOST: 'tcp://127.0.0.1:1' } })).resolves.toBe('embedded');
  });

  it('refuses testcontainers when asked for it explicitly and no runtime answers', async () => {
    await expect(
      chooseProvider({ provider: 'testcontainers', env: { ...noEngine, DOCKER_HOST: 'tcp://127.0.0.1:1' } }),
    ).rejects.toMatchObject({
      code: 'RUNTIME_PROVIDER_UNAVAILABLE',
    });
  });

  it('takes an explicit provider as it is', async () => {
    await expect(chooseProvider({ provider: 'external', env: noEngine })).resolves.toBe('external');
  });
});
