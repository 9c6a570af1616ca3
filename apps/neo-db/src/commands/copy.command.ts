import { copyService, type CutoverContext } from '@neo/data/cutover';

/** `neo-db copy <service>`: databases, migrations, replication monolith → service, initial copy. */
export async function copyCommand(context: CutoverContext, service: string): Promise<number> {
  const log = context.log ?? console.log;
  const result = await copyService(context, service);
  if (result.started) {
    for (const target of result.progress)
      log(`  ${target.target}: ${target.tables.map((table) => `${table.table} ${table.state}`).join(', ')}`);
    log(`next: neo-db verify ${service}`);
  }
  return 0;
}
