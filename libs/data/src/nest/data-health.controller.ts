import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { DataHealthIndicator } from './data-health.indicator.js';

/**
 * `GET /health`: 200 while the service's primaries answer (every shard's, for a sharded service;
 * status `degraded`, naming the replica, when a replica does not: reads go on elsewhere),
 * 503 when a primary does not.
 */
@Controller('health')
export class DataHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DataHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.isHealthy('database')]);
  }
}
