import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type MonitoringAppConfig } from './app.module.js';
import { configureHttp } from './http/configure-http.js';

export interface CreateMonitoringAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the monitoring service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export async function createMonitoringApp(
  config: MonitoringAppConfig,
  options: CreateMonitoringAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    options.logger === undefined ? {} : { logger: options.logger },
  );
  return configureHttp(app);
}
