import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type NotificationAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateNotificationAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the notification service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createNotificationApp(
  config: NotificationAppConfig,
  options: CreateNotificationAppOptions = {},
): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
