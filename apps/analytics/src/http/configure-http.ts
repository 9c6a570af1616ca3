import type { ServiceHttpOptions } from '@neo/data/nest';
import { EVENTS_BODY_LIMIT_BYTES } from '../events/dto/record-events.dto.js';
import { toHttpException } from './analytics-errors.js';

/** The shared HTTP conventions (see `configureServiceHttp`) with this service's own errors and body limits. */
export const httpOptions: ServiceHttpOptions = {
  mapServiceError: toHttpException,
  // A full batch of events is far larger than the default 100 KB.
  bodyLimits: [{ method: 'POST', path: '/events', bytes: EVENTS_BODY_LIMIT_BYTES }],
};
