import type { INestApplication } from '@nestjs/common';
import { configureServiceHttp, type ServiceHttpOptions } from '@neo/data';
import { SAMPLES_BODY_LIMIT_BYTES } from '../samples/dto/write-samples.dto.js';
import { toHttpException } from './monitoring-errors.js';

/** The shared HTTP conventions (see `configureServiceHttp`) with this service's own errors and body limits. */
export const httpOptions: ServiceHttpOptions = {
  mapServiceError: toHttpException,
  // A full batch of samples is far larger than the default 100 KB.
  bodyLimits: [{ method: 'POST', path: '/samples', bytes: SAMPLES_BODY_LIMIT_BYTES }],
};

/** Applies the service's HTTP conventions to an app built elsewhere (unit tests build theirs with Nest's testing module). */
export function configureHttp(app: INestApplication): INestApplication {
  return configureServiceHttp(app, httpOptions);
}
