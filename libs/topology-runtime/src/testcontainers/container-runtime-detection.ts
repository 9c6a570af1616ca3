import { access } from 'node:fs/promises';
import http from 'node:http';
import { homedir } from 'node:os';
import path from 'node:path';

/** Places a Docker-compatible engine usually listens on; testcontainers looks at the same. */
export function candidateSockets(env: NodeJS.ProcessEnv): string[] {
  const home = env['HOME'] ?? homedir();
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return [
    '/var/run/docker.sock',
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    path.join(home, '.colima', 'default', 'docker.sock'),
    path.join(home, '.rd', 'docker.sock'),
    ...(uid === undefined ? [] : [`/run/user/${uid}/podman/podman.sock`, `/run/user/${uid}/docker.sock`]),
    ...(env['XDG_RUNTIME_DIR'] ? [path.join(env['XDG_RUNTIME_DIR'], 'docker.sock')] : []),
  ];
}

/**
 * Whether a container runtime answers, decided from `env` alone: `DOCKER_HOST` when set (a
 * Unix socket or plain TCP is pinged; anything else, e.g. TLS, is asked of testcontainers),
 * otherwise the first of `sockets` that exists and answers the engine's `/_ping`. No engine
 * configured and no socket present is known in a millisecond, without loading testcontainers.
 */
export async function containerRuntimeAvailable(env: NodeJS.ProcessEnv = process.env, sockets = candidateSockets(env)): Promise<boolean> {
  const dockerHost =
    env['DOCKER_HOST'] || (env['TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE'] ? `unix://${env['TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE']}` : '');
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return ping({ socketPath: dockerHost.slice('unix://'.length) });
    const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(dockerHost);
    if (tcp && env['DOCKER_TLS_VERIFY'] !== '1') return ping({ host: tcp[1]!, port: Number(tcp[2]) });
    return askTestcontainers();
  }
  for (const socket of sockets) {
    if ((await exists(socket)) && (await ping({ socketPath: socket }))) return true;
  }
  return false;
}

/** The engine API's health check: `GET /_ping` answers 200 "OK". */
function ping(target: { socketPath: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: '/_ping', timeout: 3_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function askTestcontainers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
