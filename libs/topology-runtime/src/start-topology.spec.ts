import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseProvider } from './start-topology.js';
import { containerRuntimeAvailable } from './testcontainers/container-runtime-detection.js';

// Every probe here looks only at what the test gives it, so the answers do not depend on whether
// the machine runs a container engine.
const noEngine = { PATH: process.env['PATH'] ?? '' };
const noSockets = (env: NodeJS.ProcessEnv | undefined) => containerRuntimeAvailable(env, []);

describe('provider choice', () => {
  let fakeEngineDir = '';
  let fakeEngineSocket = '';
  const fakeEngine = createServer((request, response) => {
    response.statusCode = request.url === '/_ping' ? 200 : 404;
    response.end('OK');
  });

  beforeAll(async () => {
    fakeEngineDir = await mkdtemp(path.join(tmpdir(), 'neo-fake-engine-'));
    fakeEngineSocket = path.join(fakeEngineDir, 'docker.sock');
    await new Promise<void>((resolve) => fakeEngine.listen(fakeEngineSocket, resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => fakeEngine.close(resolve));
    await rm(fakeEngineDir, { recursive: true, force: true });
  });

  it('auto falls back to embedded when no container runtime answers', async () => {
    const started = performance.now();
    const lines: string[] = [];
    await expect(chooseProvider({ provider: 'auto', env: noEngine }, (line) => lines.push(line), noSockets)).resolves.toBe('embedded');
    console.log(`auto → embedded decided in ${(performance.now() - started).toFixed(1)} ms`);
    expect(lines.join('\n')).toMatch(/no container runtime answered/);
  });

  it('auto picks testcontainers when an engine socket answers its ping, and says so', async () => {
    const lines: string[] = [];
    const probe = (env: NodeJS.ProcessEnv | undefined) => containerRuntimeAvailable(env, [fakeEngineSocket]);
    await expect(chooseProvider({ provider: 'auto', env: noEngine }, (line) => lines.push(line), probe)).resolves.toBe('testcontainers');
    expect(lines.join('\n')).toMatch(/a container runtime answered/);
    await expect(
      chooseProvider({ provider: 'auto', env: { ...noEngine, DOCKER_HOST: `unix://${fakeEngineSocket}` } }, undefined, noSockets),
    ).resolves.toBe('testcontainers');
  });

  it('falls back when DOCKER_HOST names an engine that does not answer', async () => {
    // Nothing listens on this port.
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
