import { rollbackService, type CutoverContext } from '@neo/data/cutover';

/** `neo-db rollback <service>`: reads and writes back on the monolith. */
export async function rollbackCommand(context: CutoverContext, service: string): Promise<number> {
  await rollbackService(context, service);
  return 0;
}
