import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { createServiceApp } from '@neo/data/nest';
import { AppModule, type VotingAppConfig } from './app.module.js';
import { httpOptions } from './http/configure-http.js';

export interface CreateVotingAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the voting service (not yet listening): used by `main.ts` and by the end-to-end tests. */
export function createVotingApp(config: VotingAppConfig, options: CreateVotingAppOptions = {}): Promise<INestApplication> {
  return createServiceApp(AppModule.forRoot(config), {
    ...httpOptions,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
