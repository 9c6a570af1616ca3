import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { migrateFleet } from '@neo/data/migrations';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSharedTopology } from '@neo/testing';
import { badInputCases, type BadInputCase } from './bad-input-cases.js';
import { DataFingerprints, type Fingerprint } from './data-fingerprint.js';
import { sendRequest } from './send-request.js';
import { sideFlags } from './side-flags.js';
import type { EndpointSpec, HttpAgent, ServiceHttpTable, ServiceSide } from './service-http-table.js';

const SIDES: readonly ServiceSide[] = ['monolith', 'service'];
const SIDE_NAMES: Record<ServiceSide, string> = { monolith: 'its schema in the monolith', service: 'its own databases' };

interface ServedApp<Context> {
  http: HttpAgent;
  context: Context;
  fingerprints: DataFingerprints;
}

/**
 * The shared HTTP suites of a service, run on the shared test topology once per side (its schema
 * in the monolith, then its own databases, placed there by the `UseShardedDatabase` flags):
 * - its main write and read go through the API and land on that side only;
 * - every field of every endpoint, sent bad (wrong type, missing, NUL, lone surrogates, out of
 *   range, oversized, deeply nested), gets a 4xx whose body names the field, never a 5xx, and
 *   writes nothing on either side.
 *
 * ```ts
 * describeHttpSuites(storageTable); // in apps/storage/src/storage-http.it.ts
 * ```
 * The project's vitest config starts the monolith's cluster too (`NEO_TEST_CLUSTERS=core,monolith`).
 */
export function describeHttpSuites<Context>(table: ServiceHttpTable<Context>): void {
  for (const side of SIDES) {
    describe(`${table.service} over HTTP, served by ${SIDE_NAMES[side]}`, () => {
      const served = serveOn(table, side);

      it('writes and reads through the API on this side, and only there', async () => {
        const { http, fingerprints } = served();
        const before = await fingerprints.take();
        await table.mainWriteAndRead(http);
        const changed = changedTargets(before, await fingerprints.take());
        const sideOf = new Map(fingerprints.targets.map((target) => [target.label, target.side]));
        expect(changed.length, 'the main write changed no table on either side').toBeGreaterThan(0);
        expect(changed.filter((label) => sideOf.get(label) !== side)).toEqual([]);
      });

      for (const endpoint of table.endpoints) {
        it(`${endpoint.method} ${endpoint.path}: every bad field gets a 4xx naming it, and nothing is written`, async () => {
          await checkEndpoint(served(), endpoint);
        });
      }
    });
  }
}

/** Builds the app placed on `side` before the tests of the enclosing `describe`, and closes it after. */
function serveOn<Context>(table: ServiceHttpTable<Context>, side: ServiceSide): () => ServedApp<Context> {
  let app: INestApplication | undefined;
  let served: ServedApp<Context> | undefined;
  const flags = sideFlags(table.service, side);
  let fingerprints: DataFingerprints | undefined;

  beforeAll(async () => {
    const { topology } = useSharedTopology();
    await migrateFleet({ topology, services: [table.service], monolith: true });
    fingerprints = await DataFingerprints.open(topology, table.service);
    app = await table.createApp({ topology, flags: { instance: flags } });
    await app.init();
    // One user for every request, so each read sees the writes made before it (read-your-writes).
    const http = request.agent(app.getHttpServer()).set('x-user-id', `http-suite-${randomUUID()}`);
    const context = table.setup ? await table.setup(http) : (undefined as Context);
    served = { http, context, fingerprints };
  });

  afterAll(async () => {
    await app?.close();
    await flags.close();
    await fingerprints?.close();
  });

  return () => {
    if (!served) throw new Error(`the ${table.service} app on the ${side} side did not start (see the beforeAll error)`);
    return served;
  };
}

async function checkEndpoint<Context>({ http, context, fingerprints }: ServedApp<Context>, endpoint: EndpointSpec<Context>): Promise<void> {
  const route = `${endpoint.method} ${endpoint.path}`;
  const accepted = await sendRequest(http, endpoint, await endpoint.valid(context));
  expect(accepted.status, `the table's valid ${route} request must succeed; it got ${accepted.status} ${accepted.text}`).toBeLessThan(300);

  const base = await endpoint.valid(context);
  const before = await fingerprints.take();
  const failures: string[] = [];
  for (const field of endpoint.fields) {
    for (const badCase of badInputCases(
      field,
      base,
      endpoint.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: endpoint.bodyLimitBytes },
    )) {
      const problem = judge(await sendRequest(http, endpoint, badCase.request), badCase);
      if (problem) failures.push(`${badCase.title} → ${problem}`);
    }
  }
  const after = await fingerprints.take();
  expect(failures, `${route}: bad input answered wrongly`).toEqual([]);
  expect(after, `${route}: bad input wrote rows`).toEqual(before);
}

/** What is wrong with the answer to a bad case, or undefined when it is right. */
function judge(response: Response, badCase: BadInputCase): string | undefined {
  const answer = `${response.status} ${response.text.slice(0, 300)}`;
  if (badCase.status !== undefined && response.status !== badCase.status) return `expected ${badCase.status}, got ${answer}`;
  if (response.status < 400 || response.status >= 500) return `expected a 4xx, got ${answer}`;
  if (!response.text.toLowerCase().includes(badCase.names.toLowerCase())) return `the answer does not name "${badCase.names}": ${answer}`;
  return undefined;
}

function changedTargets(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys(after).filter((label) => JSON.stringify(after[label]) !== JSON.stringify(before[label]));
}
