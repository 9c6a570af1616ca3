import { Module, type DynamicModule } from '@nestjs/common';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import type { Topology } from '@neo/data';
import { PrismaClient } from './generated/prisma/client.js';
import { PartitionsModule } from './partitions/partitions.module.js';
import { CLOCK, DEFAULT_RETENTION, RETENTION_SETTINGS, type Clock, type RetentionSettings } from './partitions/retention-settings.js';
import { SamplesModule } from './samples/samples.module.js';

/** The name of this service in the topology. */
export const MONITORING_SERVICE = 'monitoring';

export interface MonitoringAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Partitioning and retention of the samples; `DEFAULT_RETENTION` when absent. */
  retention?: RetentionSettings;
  /** The time partitions are made and dropped by (tests move it). */
  clock?: Clock;
  /** Per-node timeout of the health probe; the data module's default when absent. */
  healthTimeoutMs?: number;
}

/** Settings every feature module of the app reads. */
@Module({})
class MonitoringSettingsModule {
  static forRoot(retention: RetentionSettings, clock: Clock): DynamicModule {
    return {
      module: MonitoringSettingsModule,
      global: true,
      providers: [
        { provide: RETENTION_SETTINGS, useValue: retention },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [RETENTION_SETTINGS, CLOCK],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: MonitoringAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MonitoringSettingsModule.forRoot(config.retention ?? DEFAULT_RETENTION, config.clock ?? (() => new Date())),
        DataModule.forRoot({
          service: MONITORING_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          healthTimeoutMs: config.healthTimeoutMs,
          isGlobal: true,
        }),
        DataMetricsModule,
        PartitionsModule,
        SamplesModule,
        DataHealthModule,
      ],
    };
  }
}
