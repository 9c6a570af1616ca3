import { DataError } from '@neo/data';

/** No generated report has this id (or it is past the reports' retention). */
export class ReportNotFoundError extends DataError {
  constructor(readonly reportId: string) {
    super(
      'REPORTING_REPORT_NOT_FOUND',
      `no generated report with id ${reportId} (reports are kept a year); list a definition's reports with GET /definitions/<id>/reports`,
    );
  }
}

/** A report window the inputs cannot cover: reversed, or outside the window inputs are kept in. */
export class InvalidReportWindowError extends DataError {
  constructor(
    /** The request field at fault: `from` or `to`. */
    readonly field: 'from' | 'to',
    message: string,
  ) {
    super('REPORTING_INVALID_WINDOW', `${field} ${message}`);
  }
}

/** A report with more rows than one report may hold. */
export class ReportTooLargeError extends DataError {
  constructor(maxRows: number) {
    super(
      'REPORTING_REPORT_TOO_LARGE',
      `the report would have more than ${maxRows} rows: narrow the window (from, to) or define a report by day or without the dimension`,
    );
  }
}
