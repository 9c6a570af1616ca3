import { pgClientConfig, type ServerLogin } from '@neo/topology';
import pg from 'pg';

/**
 * Anything that says where a server is and how to log in: a DataNode, or an endpoint plus an
 * admin login (`{ ...endpoint, ...admin, database }`, whose `tls` is the cluster's).
 */
export interface ClientTarget extends ServerLogin {
  database: string;
}

/** A connected `pg.Client` (verified TLS for a TLS cluster); the caller ends it (`await client.end()`). */
export async function connectClient(target: ClientTarget): Promise<pg.Client> {
  const client = new pg.Client({ ...pgClientConfig(target), connectionTimeoutMillis: 5_000 });
  await client.connect();
  return client;
}

/** Connects, runs `work`, and always ends the connection. */
export async function withClient<T>(target: ClientTarget, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectClient(target);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
