import { cutoverStatus, type CutoverContext, type ServiceCutoverStatus } from '@neo/data/cutover';

/** `neo-db status [service…]`: phase, write side, replication lag each way, flags. */
export async function statusCommand(context: CutoverContext, services: string[], options: { json: boolean }): Promise<number> {
  const log = context.log ?? console.log;
  const statuses = await cutoverStatus(context, services.length > 0 ? services : undefined);
  if (options.json) {
    log(JSON.stringify(statuses, null, 2));
  } else {
    for (const status of statuses) log(formatStatus(status));
  }
  return statuses.some((status) => status.problems.length > 0 || status.replication.some((link) => link.problem)) ? 1 : 0;
}

export function formatStatus(status: ServiceCutoverStatus): string {
  const flags = status.flags ? `reads ${status.flags.readPercent} % on service, writes on ${status.flags.writeSide}` : 'flags unknown';
  const lines = [`${status.service}: ${status.phase}${status.writeSide ? ` (guard: writes on ${status.writeSide})` : ''}; ${flags}`];
  for (const link of status.replication) {
    const lag = `${link.lagBytes ?? '?'} bytes${link.lagMs !== null ? `, ${link.lagMs.toFixed(1)} ms` : ''}`;
    lines.push(
      `  ${link.direction === 'forward' ? 'monolith → service' : 'service → monolith'} ${link.route}: lag ${lag}${link.problem ? ` — BROKEN: ${link.problem}` : ''}`,
    );
  }
  for (const problem of status.problems) lines.push(`  ! ${problem}`);
  return lines.join('\n');
}
