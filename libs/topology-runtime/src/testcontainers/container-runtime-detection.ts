import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** Places a Docker-compatible engine usually listens on; testcontainers looks at the same. */
function candidateSockets(env: NodeJS.ProcessEnv): string[] {
  const home = homedir();
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return [
    '/var/run/docker.sock',
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    path.join(home, '.colima', 'default', 'docker.sock'),
    path.join(home, '.rd', 'docker.sock'),
    path.join(home, '.testcontainers.properties'),
    ...(uid === undefined ? [] : [`/run/user/${uid}/podman/podman.sock`, `/run/user/${uid}/docker.sock`]),
    ...(env['XDG_RUNTIME_DIR'] ? [path.join(env['XDG_RUNTIME_DIR'], 'docker.sock')] : []),
  ];
}

/**
 * Whether a container runtime answers. Importing testcontainers alone takes most
 * of a second, so a machine with no engine configured (no DOCKER_HOST, no known
 * socket) is recognised from the file system first, in a millisecond; only
 * otherwise does testcontainers probe the engine.
 */
export async function containerRuntimeAvailable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const configured = Boolean(env['DOCKER_HOST'] || env['TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE']);
  if (!configured) {
    const found = await Promise.all(
      candidateSockets(env).map((file) =>
        access(file).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (!found.some(Boolean)) return false;
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
