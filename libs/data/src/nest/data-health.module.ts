import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DataHealthController } from './data-health.controller.js';

/**
 * Serves `GET /health`, `/health/live` and `/health/ready` from `DataHealthIndicator`. Import it
 * next to a global `DataModule` (`isGlobal: true`), which provides the indicator.
 */
@Module({
  // Health failures are answered with 503 and their details; logging each one would only repeat them.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [DataHealthController],
})
export class DataHealthModule {}
