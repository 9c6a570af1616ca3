import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { DataHealthIndicator } from './data-health.indicator.js';

/**
 * The service's health, in three answers:
 * - `GET /health/live`: the process answers (liveness: restart it when this fails); no database is asked;
 * - `GET /health/ready`: whether the side serving the service can take its reads, and separately its
 *   writes (readiness: 503 only when reads cannot be served; writes that cannot are reported, 200 `degraded`);
 * - `GET /health`: the same verdict with every node of both sides: probe, side, in use, rotation, lag, breaker.
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

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.isReady('database')]);
  }
}
