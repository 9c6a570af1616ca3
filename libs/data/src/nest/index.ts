// NestJS integration of the data layer: the module, its tokens, health, metrics, request context, errors.
export { DataModule } from './data.module.js';
export { DATA_MODULE_OPTIONS, DATA_MODULE_OPTIONS_TYPE, DATA_MODULE_ASYNC_OPTIONS_TYPE } from './data.module-definition.js';
export type { DataModuleOptions } from './data-module.options.js';
export { DATA_CACHE, DATA_CLIENT, DATA_METRICS, DATA_SOURCE } from './data.tokens.js';
export { InjectDataCache, InjectDataClient, InjectDataMetrics, InjectDataSource } from './inject-data-client.decorator.js';
export { DataHealthIndicator, DEFAULT_HEALTH_TIMEOUT_MS, type NodeHealth } from './data-health.indicator.js';
export { DataHealthModule } from './data-health.module.js';
export { DataHealthController } from './data-health.controller.js';
export { DataMetricsModule } from './data-metrics.module.js';
export { DataMetricsController } from './data-metrics.controller.js';
export { RequestContextInterceptor, requestContextFromHeaders, REQUEST_CONTEXT_HEADERS } from './request-context.interceptor.js';
export { DataExceptionFilter, DataTimeoutException, DataUnavailableException, toDataHttpException } from './data-exception.filter.js';
export { serviceHttpError, type ErrorBody } from './service-http-error.js';
export {
  readServiceEnvironment,
  MIN_OPERATOR_TOKEN_LENGTH,
  type ServiceEnvironment,
  type ServiceEnvironmentDefaults,
} from './service-environment.js';
export { bootstrapService, type BootstrapServiceOptions, type ServiceStartContext } from './bootstrap-service.js';
export * from './http/index.js';
