import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type AnalyticsAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateAnalyticsAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the analytics service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createAnalyticsApp(config: AnalyticsAppConfig, options: CreateAnalyticsAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
