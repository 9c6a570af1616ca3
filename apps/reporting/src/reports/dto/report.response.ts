import type { GeneratedReport } from '../../generated/prisma/client.js';

/** One row of a report: a time bucket (and dimension), and the aggregate of its inputs as an exact decimal string. */
export interface ReportRow {
  /** The bucket's first instant (UTC). */
  bucket: string;
  /** Present when the definition groups by dimension; null for inputs without one. */
  dimension?: string | null;
  value: string;
}

/** A generated report without its rows, as listings return it. */
export interface ReportSummary {
  id: string;
  definitionId: string;
  from: string;
  to: string;
  rowCount: number;
  generatedAt: string;
}

/** A generated report with its rows. */
export interface ReportResponse extends ReportSummary {
  rows: ReportRow[];
}

export function toReportSummary(report: Omit<GeneratedReport, 'rows'>): ReportSummary {
  return {
    id: report.id,
    definitionId: report.definitionId,
    from: report.windowFrom.toISOString(),
    to: report.windowTo.toISOString(),
    rowCount: report.rowCount,
    generatedAt: report.generatedAt.toISOString(),
  };
}

export function toReportResponse(report: GeneratedReport): ReportResponse {
  return { ...toReportSummary(report), rows: report.rows as unknown as ReportRow[] };
}
