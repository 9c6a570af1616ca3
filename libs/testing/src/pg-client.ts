import pg from 'pg';

/** Anything that says where a server is and how to log in: a DataNode, or an endpoint plus login. */
export interface ClientTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string | undefined;
}

/** A connected `pg.Client`; the caller ends it (`await client.end()`). */
export async function connectClient(target: ClientTarget): Promise<pg.Client> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    connectionTimeoutMillis: 5_000,
  });
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
