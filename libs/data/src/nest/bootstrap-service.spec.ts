import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bootstrapService, type ServiceStartContext } from './bootstrap-service.js';

const TOPOLOGY_YAML = `
version: 1
clusters:
  core:
    temperature: hot
    credentials: { user: storage, password: s3cret }
    primary: { name: core-primary }
services:
  storage: { cluster: core, database: neo_storage }
monolith: { cluster: core }
`;

/** Records what the bootstrap does with the app instead of listening. */
function fakeApp() {
  const calls: string[] = [];
  const app = {
    enableShutdownHooks: vi.fn(() => calls.push('enableShutdownHooks')),
    listen: vi.fn(async () => calls.push('listen')),
  };
  return { app, calls, asNest: app as unknown as INestApplication };
}

describe('bootstrapService', () => {
  let directory: string;
  let errors: ReturnType<typeof vi.spyOn>;
  let exitCode: typeof process.exitCode;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'bootstrap-service-'));
    errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    exitCode = process.exitCode;
  });

  afterEach(async () => {
    errors.mockRestore();
    process.exitCode = exitCode;
    await rm(directory, { recursive: true, force: true });
  });

  it('binds the topology to the endpoints, enables the shutdown hooks, then listens on HOST:PORT', async () => {
    const topologyPath = path.join(directory, 'topology.yaml');
    const endpointsPath = path.join(directory, 'endpoints.json');
    await writeFile(topologyPath, TOPOLOGY_YAML);
    await writeFile(endpointsPath, JSON.stringify({ 'core/core-primary': { host: '127.0.0.2', port: 15432 } }));
    const { app, calls, asNest } = fakeApp();
    let context: ServiceStartContext | undefined;

    await bootstrapService({
      name: 'storage',
      defaultPort: 3101,
      env: { NEO_TOPOLOGY: topologyPath, NEO_ENDPOINTS: endpointsPath, PORT: '0', HOST: '127.0.0.3' },
      createApp: async (given) => {
        context = given;
        return asNest;
      },
    });

    expect(errors).not.toHaveBeenCalled();
    expect(process.exitCode).toBe(exitCode);
    expect(context?.declared.clusters['core']?.primary).not.toHaveProperty('port', 15432);
    expect(context?.topology.clusters['core']?.primary).toMatchObject({ host: '127.0.0.2', port: 15432 });
    expect(context?.environment).toMatchObject({ topologyPath, endpointsPath, port: 0, host: '127.0.0.3' });
    expect(calls).toEqual(['enableShutdownHooks', 'listen']);
    expect(app.listen).toHaveBeenCalledWith(0, '127.0.0.3');
  });

  it('writes "<name> failed to start: <message>" and sets exit code 1 on a bad setting, building no app', async () => {
    const createApp = vi.fn();
    await bootstrapService({ name: 'oracle', defaultPort: 3102, env: { PORT: 'http' }, createApp });

    expect(createApp).not.toHaveBeenCalled();
    expect(errors).toHaveBeenCalledWith('oracle failed to start: PORT must be a TCP port number (0-65535), got "http"');
    expect(process.exitCode).toBe(1);
  });

  it('reports a failure of createApp the same way', async () => {
    const topologyPath = path.join(directory, 'topology.yaml');
    await writeFile(topologyPath, TOPOLOGY_YAML);
    await bootstrapService({
      name: 'monitoring',
      defaultPort: 3104,
      env: { NEO_TOPOLOGY: topologyPath },
      createApp: () => Promise.reject(new Error('MONITORING_PARTITION_INTERVAL must be "day" or "month", got "week"')),
    });

    expect(errors).toHaveBeenCalledWith('monitoring failed to start: MONITORING_PARTITION_INTERVAL must be "day" or "month", got "week"');
    expect(process.exitCode).toBe(1);
  });
});
