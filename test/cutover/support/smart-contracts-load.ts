import type { WriteAndRead } from './http-load.js';

/** Smart contracts: submit a transaction of a contract registered before the load, then read it back. */
export async function transactionWrite(registerAt: string, contractName = 'e2e'): Promise<WriteAndRead> {
  const registered = await fetch(`${registerAt}/contracts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: contractName, scriptHash: `0x${'ab'.repeat(20)}` }),
  });
  if (registered.status !== 201) throw new Error(`POST /contracts ${registered.status}: ${await registered.text()}`);
  const { id: contractId } = (await registered.json()) as { id: string };
  return async (url, user) => {
    const headers = { 'content-type': 'application/json', 'x-user-id': String(user) };
    const startedAt = performance.now();
    const submitted = await fetch(`${url}/transactions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ contractId, userId: user, method: 'transfer', amount: '1.5' }),
    });
    if (submitted.status !== 201) return { failure: `POST /transactions ${submitted.status}: ${(await submitted.text()).slice(0, 300)}` };
    const { id } = (await submitted.json()) as { id: string };
    const writeMs = performance.now() - startedAt;
    const read = await fetch(`${url}/users/${user}/transactions/${id}`, { headers });
    if (read.status !== 200)
      return { failure: `GET /users/${user}/transactions/${id} ${read.status}: ${(await read.text()).slice(0, 300)}` };
    await read.body?.cancel().catch(() => undefined);
    return { id, writeMs };
  };
}
