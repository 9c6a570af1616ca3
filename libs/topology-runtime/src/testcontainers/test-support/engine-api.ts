import http from 'node:http';
import { networkNameFor, OWNER_LABEL } from '../container-watchdog.js';

/** The engine's own view of one run: its labelled containers (running or not) and its network. */
export async function listRunContainers(runId: string): Promise<{ containers: string[]; networks: string[] }> {
  const containerFilter = encodeURIComponent(JSON.stringify({ label: [`${OWNER_LABEL}=${runId}`] }));
  const networkFilter = encodeURIComponent(JSON.stringify({ name: [networkNameFor(runId)] }));
  const containers = await engineGet<{ Id: string }[]>(`/containers/json?all=true&filters=${containerFilter}`);
  const networks = await engineGet<{ Id: string }[]>(`/networks?filters=${networkFilter}`);
  return { containers: containers.map((c) => c.Id), networks: networks.map((n) => n.Id) };
}

/** The host addresses the run's containers publish their ports on (each once). */
export async function publishedAddresses(runId: string): Promise<string[]> {
  const containerFilter = encodeURIComponent(JSON.stringify({ label: [`${OWNER_LABEL}=${runId}`] }));
  const containers = await engineGet<{ Ports: { IP?: string; PublicPort?: number }[] }[]>(`/containers/json?filters=${containerFilter}`);
  return [...new Set(containers.flatMap((c) => c.Ports.filter((port) => port.PublicPort).map((port) => port.IP ?? '')))];
}

/** Whether the engine has `image` (name:tag). */
export async function imagePresent(image: string): Promise<boolean> {
  const images = await engineGet<unknown[]>(`/images/json?filters=${encodeURIComponent(JSON.stringify({ reference: [image] }))}`);
  return images.length > 0;
}

function engineGet<T>(path: string): Promise<T> {
  const socketPath = (process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve(JSON.parse(body) as T));
      })
      .on('error', reject);
  });
}
