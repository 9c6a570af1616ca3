// Shared HTTP suites over every service, fed by one table per service (endpoints and fields).
export type {
  ServiceHttpTable,
  EndpointSpec,
  FieldSpec,
  FieldKind,
  FieldLocation,
  RequestParts,
  HttpAgent,
  HttpMethod,
  ServiceSide,
} from './service-http-table.js';
export { describeHttpSuites } from './describe-http-suites.js';
export { badInputCases, OUT_OF_RANGE_INSTANTS, type BadInputCase } from './bad-input-cases.js';
export { DataFingerprints, serviceDataTargets, type DataTarget, type Fingerprint } from './data-fingerprint.js';
export { sideFlags, sideDefinitions } from './side-flags.js';
export { sendRequest, bodyText, RawJson } from './send-request.js';
