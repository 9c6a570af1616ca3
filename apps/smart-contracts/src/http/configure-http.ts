import type { INestApplication } from '@nestjs/common';
import { configureServiceHttp, type ServiceHttpOptions } from '@neo/data';
import { toHttpException } from './smart-contracts-errors.js';

/** The shared HTTP conventions (see `configureServiceHttp`) with this service's own errors. */
export const httpOptions: ServiceHttpOptions = {
  mapServiceError: toHttpException,
};

/** Applies the service's HTTP conventions to an app built elsewhere (unit tests build theirs with Nest's testing module). */
export function configureHttp(app: INestApplication): INestApplication {
  return configureServiceHttp(app, httpOptions);
}
