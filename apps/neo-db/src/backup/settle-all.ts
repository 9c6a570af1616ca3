/**
 * Waits for every job (none is left running in the background) and then fails with every
 * failure's message, or resolves to all results.
 */
export async function settleAll<T>(jobs: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(jobs);
  const failures = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length === 1) throw failures[0]!.reason;
  if (failures.length > 1) {
    const messages = failures.map((failure) => (failure.reason instanceof Error ? failure.reason.message : String(failure.reason)));
    throw new Error(`${failures.length} databases failed:\n${messages.join('\n')}`, { cause: failures[0]!.reason });
  }
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}
