import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { StorageExceptionFilter } from './storage-exception.filter.js';

/**
 * The service's HTTP conventions, shared by `createStorageApp` and the tests:
 * bodies and queries validated against their DTOs (unknown fields refused with a
 * 400 naming them; one message per field), and the service's errors mapped onto HTTP statuses.
 */
export function configureHttp(app: INestApplication): INestApplication {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: true }));
  app.useGlobalFilters(new StorageExceptionFilter(app.getHttpAdapter()));
  return app;
}
