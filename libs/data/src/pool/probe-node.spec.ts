import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { probeNode } from './probe-node.js';

function poolAnswering(query: () => Promise<unknown>): pg.Pool {
  return { query } as unknown as pg.Pool;
}

describe('probeNode', () => {
  it('is up when SELECT 1 answers', async () => {
    const probe = await probeNode(
      poolAnswering(async () => ({ rows: [{ '?column?': 1 }] })),
      1_000,
    );
    expect(probe).toMatchObject({ status: 'up', latencyMs: expect.any(Number) });
  });

  it('is down with the error code only, never the driver message', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432 user=storage password=s3cret'), { code: 'ECONNREFUSED' });
    const probe = await probeNode(
      poolAnswering(async () => Promise.reject(refused)),
      1_000,
    );
    expect(probe).toEqual({ status: 'down', reason: 'ECONNREFUSED' });
  });

  it('is down with reason "timeout" when the node does not answer in time', async () => {
    const probe = await probeNode(
      poolAnswering(() => new Promise(() => undefined)),
      20,
    );
    expect(probe).toEqual({ status: 'down', reason: 'timeout' });
  });

  it('names an error without a code generically', async () => {
    const probe = await probeNode(
      poolAnswering(async () => Promise.reject(new Error('something odd'))),
      1_000,
    );
    expect(probe).toEqual({ status: 'down', reason: 'error' });
  });
});
