import { startScratchPostgres, type ScratchPostgres } from '@neo/topology-runtime';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKeyText } from './hash.strategy.js';
import { keyspaceIdBigintSql, keyspaceIdHex, keyspaceIdHexSql, keyspaceId } from './keyspace-id.js';

let server: ScratchPostgres;
let client: pg.Client;

beforeAll(async () => {
  server = await startScratchPostgres();
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

/** The signed bigint PostgreSQL shows for an unsigned 64-bit keyspace id. */
const signed = (id: bigint) => BigInt.asIntN(64, id).toString();

describe('the keyspace id is the same in Node and in PostgreSQL', () => {
  it('for text keys (any Unicode)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 40 }).filter((key) => !key.includes('\u0000')),
        async (key) => {
          const { rows } = await client.query(
            `SELECT ${keyspaceIdHexSql('$1::text')} AS hex, ${keyspaceIdBigintSql('$1::text')}::text AS id`,
            [key],
          );
          expect(rows[0]).toEqual({ hex: keyspaceIdHex(key), id: signed(keyspaceId(key)) });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('for integer and bigint columns', async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), async (key) => {
        const { rows } = await client.query(`SELECT ${keyspaceIdHexSql('$1::bigint')} AS hex`, [key.toString()]);
        expect(rows[0].hex).toBe(keyspaceIdHex(hashKeyText('k', key)));
      }),
      { numRuns: 200 },
    );
    const { rows } = await client.query(`SELECT ${keyspaceIdHexSql('$1::integer')} AS hex`, [-2147483648]);
    expect(rows[0].hex).toBe(keyspaceIdHex(hashKeyText('k', -2147483648)));
  });

  it('for uuid columns, with lower-case keys', async () => {
    const key = '0190a6f1-2b3c-7d4e-8f50-123456789abc';
    const { rows } = await client.query(`SELECT ${keyspaceIdHexSql('$1::uuid')} AS hex`, [key.toUpperCase()]);
    expect(rows[0].hex).toBe(keyspaceIdHex(key));
  });
});
