import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServiceEnvironment } from './service-environment.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');

describe('readServiceEnvironment', () => {
  it('defaults to the repository topology, no endpoints, the given port and localhost', () => {
    expect(readServiceEnvironment({}, { defaultPort: 3101 })).toEqual({
      topologyPath: path.join(REPO_ROOT, 'config/topology.yaml'),
      endpointsPath: undefined,
      port: 3101,
      host: '127.0.0.1',
      operatorToken: undefined,
    });
  });

  it('reads NEO_TOPOLOGY, NEO_ENDPOINTS, PORT and HOST, resolving the paths', () => {
    const environment = readServiceEnvironment(
      { NEO_TOPOLOGY: 'topology.yaml', NEO_ENDPOINTS: '/tmp/endpoints.json', PORT: '0', HOST: '0.0.0.0' },
      { defaultPort: 3101 },
    );
    expect(environment).toEqual({
      topologyPath: path.resolve('topology.yaml'),
      endpointsPath: '/tmp/endpoints.json',
      port: 0,
      host: '0.0.0.0',
      operatorToken: undefined,
    });
  });

  it('takes an empty PORT as unset', () => {
    expect(readServiceEnvironment({ PORT: '' }, { defaultPort: 3102 }).port).toBe(3102);
  });

  it.each(['70000', '-1', '80.5', 'http'])('refuses PORT=%j naming it', (value) => {
    expect(() => readServiceEnvironment({ PORT: value }, { defaultPort: 3101 })).toThrow(
      `PORT must be a TCP port number (0-65535), got ${JSON.stringify(value)}`,
    );
  });

  it('reads the operator token, and refuses a short one without showing it', () => {
    const token = 'a1b2c3d4e5f6a7b8c9d0';
    expect(readServiceEnvironment({ NEO_OPERATOR_TOKEN: token }, { defaultPort: 3104 }).operatorToken).toBe(token);
    expect(readServiceEnvironment({ NEO_OPERATOR_TOKEN: '' }, { defaultPort: 3104 }).operatorToken).toBeUndefined();
    for (const weak of ['secret', 'with a space in it, long enough']) {
      let message = '';
      try {
        readServiceEnvironment({ NEO_OPERATOR_TOKEN: weak }, { defaultPort: 3104 });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^NEO_OPERATOR_TOKEN must be at least 16 characters/);
      expect(message).not.toContain(weak);
    }
  });
});
