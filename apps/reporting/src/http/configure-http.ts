import type { ServiceHttpOptions } from '@neo/data/nest';
import { toHttpException } from './reporting-errors.js';

/** The shared HTTP conventions (see `configureServiceHttp`) with this service's own errors. */
export const httpOptions: ServiceHttpOptions = {
  mapServiceError: toHttpException,
};
