import { createServer } from 'node:net';
import getPort from 'get-port';

/**
 * The preferred port when nothing listens on it, else a free one from get-port.
 * get-port itself would refuse a port it handed out in the last seconds, which
 * is exactly the port a restarted server should get back.
 */
export async function choosePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && (await canListen(preferred))) return preferred;
  return getPort();
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
