import { describe, expect, it } from 'vitest';
import { withDefaultTransactionTimeout } from './default-transaction-timeout.js';

class FakeClient {
  readonly seen: unknown[] = [];
  $transaction(input: unknown, options?: unknown) {
    this.seen.push(options);
    return Promise.resolve(typeof input === 'function' ? 'interactive' : 'batch');
  }
  $extends() {
    return this;
  }
}

describe('withDefaultTransactionTimeout', () => {
  it('bounds interactive transactions that give no timeout, and leaves batches and explicit timeouts alone', async () => {
    const fake = new FakeClient();
    const client = withDefaultTransactionTimeout(fake, 1_500);
    await client.$transaction(async () => undefined);
    await client.$transaction(async () => undefined, { timeout: 9_000, isolationLevel: 'Serializable' });
    await client.$transaction([]);
    await client.$extends().$transaction(async () => undefined, { maxWait: 100 });
    expect(fake.seen).toEqual([
      { timeout: 1_500 },
      { timeout: 9_000, isolationLevel: 'Serializable' },
      undefined,
      { timeout: 1_500, maxWait: 100 },
    ]);
  });
});
