import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type StorageAppConfig } from './app.module.js';
import { configureHttp } from './http/configure-http.js';

export interface CreateStorageAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the storage service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export async function createStorageApp(config: StorageAppConfig, options: CreateStorageAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    options.logger === undefined ? {} : { logger: options.logger },
  );
  return configureHttp(app);
}
