import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type OracleAppConfig } from './app.module.js';
import { configureHttp } from './http/configure-http.js';

export interface CreateOracleAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the oracle service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export async function createOracleApp(config: OracleAppConfig, options: CreateOracleAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    options.logger === undefined ? {} : { logger: options.logger },
  );
  return configureHttp(app);
}
