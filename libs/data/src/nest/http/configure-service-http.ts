import type { DynamicModule, INestApplication, LoggerService, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serviceLogger } from '../../logging/index.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataExceptionFilter } from '../data-exception.filter.js';
import { RequestContextInterceptor } from '../request-context.interceptor.js';
import { jsonBodyMiddleware, type RouteBodyLimit } from './json-body.middleware.js';
import { RequestValidationPipe } from './request-validation.pipe.js';
import { SafeInputPipe } from './safe-input.pipe.js';

export interface ServiceHttpOptions {
  /** The service's own errors as HTTP exceptions (anything else: returned unchanged). */
  mapServiceError?: (exception: unknown) => unknown;
  /** Routes whose bodies may exceed the default 100 KB (e.g. a batch write). */
  bodyLimits?: readonly RouteBodyLimit[];
}

/**
 * The HTTP conventions every service shares, in the order a request meets them:
 * 1. no `X-Powered-By` header (it only tells attackers what runs);
 * 2. JSON bodies only, limited per route (415 / 413 / 400 answered before Nest sees the request);
 * 3. `SafeInputPipe`: nesting depth, NUL and lone surrogates refused with a 400 naming the field,
 *    before class-transformer walks the value;
 * 4. `RequestValidationPipe`: the DTO's rules, one message per field, unknown fields refused;
 * 5. the request context (read-your-writes per user: `x-user-id`);
 * 6. errors: the data layer's 503s, then the service's own mapping, else a bare 500.
 * Every refusal of bad input is decided before any query runs.
 */
export function configureServiceHttp(app: INestApplication, options: ServiceHttpOptions = {}): INestApplication {
  const express = app.getHttpAdapter().getInstance() as { disable?(setting: string): unknown };
  express.disable?.('x-powered-by');
  // Registered before Nest's own parsers (added at init), which then find the body already read.
  app.use(jsonBodyMiddleware(options.bodyLimits));
  app.useGlobalPipes(new SafeInputPipe(), new RequestValidationPipe());
  app.useGlobalInterceptors(new RequestContextInterceptor());
  app.useGlobalFilters(new DataExceptionFilter(app.getHttpAdapter(), options.mapServiceError));
  return app;
}

export interface CreateServiceAppOptions extends ServiceHttpOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds a service's Nest application (not yet listening) with the shared HTTP conventions. */
export async function createServiceApp(
  module: Type<unknown> | DynamicModule,
  options: CreateServiceAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bodyParser: false,
    // Structured JSON lines unless a person watches (see serviceLogger).
    logger: options.logger === undefined ? serviceLogger() : options.logger,
  });
  return configureServiceHttp(app, options);
}
