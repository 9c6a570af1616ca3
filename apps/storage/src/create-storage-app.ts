import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type StorageAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateStorageAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the storage service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createStorageApp(config: StorageAppConfig, options: CreateStorageAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
