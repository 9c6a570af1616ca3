import { Module } from '@nestjs/common';
import { DataMetricsController } from './data-metrics.controller.js';

/**
 * Serves `GET /metrics` from the service's `DataMetrics`. Import it next to a global
 * `DataModule` (`isGlobal: true`), which provides the metrics.
 */
@Module({ controllers: [DataMetricsController] })
export class DataMetricsModule {}
