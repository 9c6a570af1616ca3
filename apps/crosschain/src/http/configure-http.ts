import type { ServiceHttpOptions } from '@neo/data/nest';
import { toHttpException } from './crosschain-errors.js';

/** The shared HTTP conventions (see `configureServiceHttp`) with this service's own errors. */
export const httpOptions: ServiceHttpOptions = {
  mapServiceError: toHttpException,
};
