import { verifyService, type CutoverContext } from '@neo/data/cutover';

/** `neo-db verify <service>`: exit 0 when both sides hold the same rows, 2 naming every difference. */
export async function verifyCommand(context: CutoverContext, service: string, options: { json: boolean }): Promise<number> {
  const log = context.log ?? console.log;
  const report = await verifyService(context, service);
  if (options.json) {
    log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 2;
  }
  for (const entry of report.comparisons) {
    log(
      `  ${entry.equal ? 'ok  ' : 'DIFF'} ${entry.target}/${entry.table}: monolith ${entry.monolith.rows} rows, service ${entry.service.rows} rows`,
    );
  }
  if (!report.consistent)
    log('  (read without a write fence: replication is not running in a steady phase, so rows written meanwhile may differ)');
  if (report.ok) {
    log(`${service}: the monolith and the service hold the same rows`);
    return 0;
  }
  log(`${service}: ${report.differences.length} difference(s):`);
  for (const difference of report.differences) log(`  - ${difference}`);
  return 2;
}
