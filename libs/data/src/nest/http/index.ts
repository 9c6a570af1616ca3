// The HTTP conventions every service shares: body parsing and limits, input safety, validation
// messages, instants a request may carry, UUID path parameters, operator credentials.
export { configureServiceHttp, createServiceApp, type ServiceHttpOptions, type CreateServiceAppOptions } from './configure-service-http.js';
export { jsonBodyMiddleware, DEFAULT_BODY_LIMIT_BYTES, type RouteBodyLimit } from './json-body.middleware.js';
export { SafeInputPipe, DEFAULT_MAX_INPUT_DEPTH } from './safe-input.pipe.js';
export { RequestValidationPipe, fieldProblems } from './request-validation.pipe.js';
export { invalidRequest, joinFieldPath, type FieldProblem, type InvalidRequestBody } from './invalid-request.js';
export { DateTimeField, IS_DATE_TIME, IS_STORABLE_INSTANT } from './date-time.field.js';
export {
  parseIsoDateTime,
  isStorableInstant,
  EARLIEST_STORABLE_INSTANT,
  LATEST_STORABLE_INSTANT,
  STORABLE_RANGE_TEXT,
} from '../../paging/date-time.js';
export { UuidParamPipe } from './uuid-param.pipe.js';
export { OperatorGuard, OperatorOnly, OperatorAccessModule, OPERATOR_TOKEN, OPERATOR_TOKEN_VARIABLE } from './operator-access.js';
