import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type CrosschainAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateCrosschainAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the crosschain service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createCrosschainApp(config: CrosschainAppConfig, options: CreateCrosschainAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
