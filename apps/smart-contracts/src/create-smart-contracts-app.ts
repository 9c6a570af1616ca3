import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type SmartContractsAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateSmartContractsAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the smart-contracts service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createSmartContractsApp(
  config: SmartContractsAppConfig,
  options: CreateSmartContractsAppOptions = {},
): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
