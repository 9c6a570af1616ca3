import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PRISMA_ROOT } from '../migrations/migrate-fleet.js';
import { findService } from '@neo/topology';
import type { CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import { planCutover, type CutoverPlan } from './cutover-plan.js';
import { parsePrismaModels, type PrismaModel } from './prisma-models.js';

/** The cutover plan of a service, from the topology and `prisma/<service>/schema.prisma`. */
export async function loadCutoverPlan(context: CutoverContext, service: string): Promise<CutoverPlan> {
  return planCutover(context.topology, service, await loadServiceModels(context, service));
}

/** The tables and columns of a service's Prisma models (`prisma/<service>/schema.prisma`). */
export async function loadServiceModels(context: CutoverContext, service: string): Promise<PrismaModel[]> {
  const declared = findService(context.topology, service);
  const file = join(context.prismaRoot ?? DEFAULT_PRISMA_ROOT, declared.prismaDir ?? service, 'schema.prisma');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CutoverError(
      'CUTOVER_UNSUPPORTED',
      `Service "${service}" has no Prisma schema at ${file}: the cutover and reshard move the tables of its models. Create it first.`,
      { cause: error },
    );
  }
  return parsePrismaModels(text);
}
