import { describe, expect, it } from 'vitest';
import { currentRequestContext, runWithRequestContext } from './request-context.js';

describe('request context', () => {
  it('is visible across awaits inside runWithRequestContext and absent outside', async () => {
    expect(currentRequestContext()).toBeUndefined();
    const seen = await runWithRequestContext({ requestId: 'r1', userId: 'u1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentRequestContext();
    });
    expect(seen).toEqual({ requestId: 'r1', userId: 'u1' });
    expect(currentRequestContext()).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const run = (id: string) =>
      runWithRequestContext({ requestId: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, Number(id)));
        return currentRequestContext()?.requestId;
      });
    expect(await Promise.all([run('3'), run('1'), run('2')])).toEqual(['3', '1', '2']);
  });
});
