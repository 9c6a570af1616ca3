import type { ServiceHttpOptions } from '@neo/data/nest';
import { SAMPLES_BODY_LIMIT_BYTES } from '../samples/dto/write-samples.dto.js';
import { toHttpException } from './monitoring-errors.js';

/** The shared HTTP conventions (see `configureServiceHttp`) with this service's own errors and body limits. */
export const httpOptions: ServiceHttpOptions = {
  mapServiceError: toHttpException,
  // A full batch of samples is far larger than the default 100 KB.
  bodyLimits: [{ method: 'POST', path: '/samples', bytes: SAMPLES_BODY_LIMIT_BYTES }],
};
