import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isProcessAlive } from '@neo/topology-runtime';
import { NeoDbError } from '../neo-db.error.js';

/**
 * The local control channel of `neo-db up`: only the process that runs the servers can rebuild one
 * of them, so commands run in another terminal (`neo-db rejoin`) ask it. An HTTP server on
 * 127.0.0.1 (any free port) that answers requests carrying the token of its record file,
 * `<dataDir>/control.json` (mode 0600, removed when `up` stops): only this user can use it.
 */
export interface ControlRecord {
  pid: number;
  port: number;
  token: string;
}

/** What `up` does for a request; a `ControlRefusal` is answered as a refusal with its message. */
export interface ControlHandlers {
  rejoin(cluster: string, node: string): Promise<string>;
}

/** A request that was understood and refused; its message says why and what to do. */
export class ControlRefusal extends Error {}

export interface ControlChannel {
  close(): Promise<void>;
}

export function controlRecordFile(dataDir: string): string {
  return join(dataDir, 'control.json');
}

export async function serveControlChannel(dataDir: string, handlers: ControlHandlers): Promise<ControlChannel> {
  const token = randomBytes(24).toString('hex');
  const server = createServer((request, response) => void answer(request, response, token, handlers));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const record: ControlRecord = { pid: process.pid, port: (server.address() as AddressInfo).port, token };
  writeFileSync(controlRecordFile(dataDir), JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  return {
    close: async () => {
      if (readRecord(dataDir)?.pid === process.pid) rmSync(controlRecordFile(dataDir), { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, token: string, handlers: ControlHandlers): Promise<void> {
  const reply = (status: number, body: object): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body) + '\n');
  };
  const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
  if (given.length !== token.length || !timingSafeEqual(given, Buffer.from(token))) return reply(401, { error: 'not allowed' });
  if (request.method !== 'POST' || request.url !== '/rejoin') return reply(404, { error: 'only POST /rejoin is served' });
  try {
    const body = JSON.parse(await readBody(request)) as { cluster?: unknown; node?: unknown };
    if (typeof body.cluster !== 'string' || typeof body.node !== 'string') return reply(400, { error: 'give { cluster, node }' });
    reply(200, { message: await handlers.rejoin(body.cluster, body.node) });
  } catch (error) {
    reply(error instanceof ControlRefusal ? 409 : 500, { error: (error as Error).message });
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

function readRecord(dataDir: string): ControlRecord | undefined {
  const file = controlRecordFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ControlRecord;
  } catch {
    return undefined;
  }
}

/**
 * Asks the running `neo-db up` of `dataDir` to rejoin a node; resolves to its answer. Fails with a
 * `not-running` error when no `up` runs there, and with the reason when it refuses.
 */
export async function requestRejoin(dataDir: string, cluster: string, node: string): Promise<string> {
  const notRunning = new NeoDbError(
    `no \`npm start\` is running for ${dataDir}: only the process that runs the servers can rebuild one. ` +
      'Start the local topology with `npm start` (keep it running), then run this again in another terminal.',
    'not-running',
  );
  const record = readRecord(dataDir);
  if (!record || !isProcessAlive(record.pid)) throw notRunning;
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${record.port}/rejoin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${record.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cluster, node }),
      // A fresh clone of a large node takes a while.
      signal: AbortSignal.timeout(15 * 60_000),
    });
  } catch {
    throw notRunning;
  }
  const body = (await response.json()) as { message?: string; error?: string };
  if (!response.ok) throw new Error(body.error ?? `npm start answered ${response.status}`);
  return body.message ?? '';
}
