import pg from 'pg';
import type { DataNode } from '@neo/topology';
import { adminConfig, type CutoverContext } from '../cutover-context.js';

/** Runs one statement on `node`'s database as the cluster's admin login (a test's direct look or write). */
export async function adminSql(context: CutoverContext, node: DataNode, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client(adminConfig(context, node));
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}
