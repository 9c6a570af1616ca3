import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type AutomationAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateAutomationAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the automation service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createAutomationApp(config: AutomationAppConfig, options: CreateAutomationAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
