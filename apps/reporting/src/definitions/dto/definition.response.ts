import type { ReportDefinition } from '../../generated/prisma/client.js';

/** A report definition as the API returns it. */
export interface DefinitionResponse {
  id: string;
  name: string;
  description: string | null;
  metric: string;
  aggregate: string;
  interval: string;
  groupByDimension: boolean;
  windowDays: number;
  createdAt: string;
}

export function toDefinitionResponse(definition: ReportDefinition): DefinitionResponse {
  return {
    id: definition.id,
    name: definition.name,
    description: definition.description,
    metric: definition.metric,
    aggregate: definition.aggregate,
    interval: definition.interval,
    groupByDimension: definition.groupByDimension,
    windowDays: definition.windowDays,
    createdAt: definition.createdAt.toISOString(),
  };
}
