import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { DataExceptionFilter, RequestContextInterceptor } from '@neo/data/nest';
import { toHttpException } from './smart-contracts-errors.js';

/**
 * The service's HTTP conventions, shared by `createSmartContractsApp` and the tests: bodies and
 * queries validated against their DTOs (unknown fields refused with a 400 naming them), each
 * request run in its request context (read-your-writes per user: `x-user-id`), and errors
 * mapped onto HTTP statuses (the data layer's 503s first, then the service's own).
 */
export function configureHttp(app: INestApplication): INestApplication {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: true }));
  app.useGlobalInterceptors(new RequestContextInterceptor());
  app.useGlobalFilters(new DataExceptionFilter(app.getHttpAdapter(), toHttpException));
  return app;
}
