import type { ServiceHttpOptions } from '@neo/data/nest';
import { INPUTS_BODY_LIMIT_BYTES } from '../inputs/dto/record-inputs.dto.js';
import { toHttpException } from './reporting-errors.js';

/** The shared HTTP conventions (see `configureServiceHttp`) with this service's own errors and body limits. */
export const httpOptions: ServiceHttpOptions = {
  mapServiceError: toHttpException,
  // A full batch of inputs is larger than the default 100 KB.
  bodyLimits: [{ method: 'POST', path: '/inputs', bytes: INPUTS_BODY_LIMIT_BYTES }],
};
