import { moveWrites, type CutoverContext } from '@neo/data/cutover';

/** `neo-db switch-writes <service>`: refused unless verify passes; writes wait (bounded) during the switch. */
export async function switchWritesCommand(context: CutoverContext, service: string): Promise<number> {
  const log = context.log ?? console.log;
  const result = await moveWrites(context, service, 'service');
  if (!result.alreadyThere) log(`next: watch neo-db status; undo with neo-db rollback ${service}`);
  return 0;
}
