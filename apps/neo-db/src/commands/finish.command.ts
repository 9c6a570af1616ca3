import { finishService, type CutoverContext } from '@neo/data/cutover';
import { NeoDbError } from '../neo-db.error.js';

/**
 * `neo-db finish <service> [--force] [--retention-days N]`: ends the move out of the monolith
 * (the replication with the monolith removed; rollback no longer possible). Refused (exit 1)
 * before the retention is over, unless --force; saying so when it is finished already.
 */
export async function finishCommand(
  context: CutoverContext,
  service: string,
  options: { force: boolean; retentionDays?: number },
): Promise<number> {
  await finishService(context, service, options);
  return 0;
}

/** `--retention-days N` as a number of days; a usage error (exit 2) unless a whole number. */
export function retentionDaysOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new NeoDbError(`--retention-days must be a whole number of days, 0 or more (got "${text}")`, 'usage');
  return Number(text);
}
