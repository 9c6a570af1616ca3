import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type ReportingAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateReportingAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the reporting service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createReportingApp(config: ReportingAppConfig, options: CreateReportingAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
