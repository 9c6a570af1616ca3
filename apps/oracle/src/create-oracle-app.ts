import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type OracleAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateOracleAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the oracle service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createOracleApp(config: OracleAppConfig, options: CreateOracleAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
