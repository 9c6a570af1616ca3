import { switchReads, type CutoverContext } from '@neo/data/cutover';

/** `neo-db switch-reads <service> --percent N`. */
export async function switchReadsCommand(context: CutoverContext, service: string, percent: string | undefined): Promise<number> {
  if (percent === undefined || !/^\d+$/.test(percent)) throw new Error(`neo-db switch-reads ${service} needs --percent N (0 to 100)`);
  await switchReads(context, service, Number(percent));
  return 0;
}
