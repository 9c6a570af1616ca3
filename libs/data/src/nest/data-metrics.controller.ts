import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';
import { collectProcessMetrics, type DataMetrics } from '../metrics/index.js';
import { DATA_METRICS } from './data.tokens.js';

/**
 * `GET /metrics`: the service's registry in Prometheus text format: queries and latency per node
 * and operation, routing decisions, replica lag, pools and connection reuse, the cache, and the
 * process (CPU, memory, event loop, GC).
 */
@Controller('metrics')
export class DataMetricsController {
  constructor(@Inject(DATA_METRICS) private readonly metrics: DataMetrics) {
    collectProcessMetrics(metrics.registry);
  }

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
