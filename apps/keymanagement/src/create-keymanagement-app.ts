import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type KeymanagementAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateKeymanagementAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the keymanagement service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createKeymanagementApp(
  config: KeymanagementAppConfig,
  options: CreateKeymanagementAppOptions = {},
): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
