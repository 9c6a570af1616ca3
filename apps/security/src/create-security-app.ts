import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type SecurityAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateSecurityAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the security service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createSecurityApp(config: SecurityAppConfig, options: CreateSecurityAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
