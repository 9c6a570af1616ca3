import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type MonitoringAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateMonitoringAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the monitoring service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createMonitoringApp(config: MonitoringAppConfig, options: CreateMonitoringAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
