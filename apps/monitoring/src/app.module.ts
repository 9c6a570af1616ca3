import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule, OperatorAccessModule } from '@neo/data/nest';
import { PrismaClient } from './generated/prisma/client.js';
import { partitionLogin } from '@neo/data/partitioning';
import { PARTITION_LOGIN, type PartitionLogin } from './partitions/partition-login.js';
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
  /** Where the `UseShardedDatabase.monitoring.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
  /** The operator credential `POST /maintenance/partitions` asks for (`NEO_OPERATOR_TOKEN`); without it the endpoint is off. */
  operatorToken?: string;
}

/** Settings every feature module of the app reads. */
@Module({})
class MonitoringSettingsModule {
  static forRoot(retention: RetentionSettings, clock: Clock, partitionLogin: PartitionLogin): DynamicModule {
    return {
      module: MonitoringSettingsModule,
      global: true,
      providers: [
        { provide: RETENTION_SETTINGS, useValue: retention },
        { provide: CLOCK, useValue: clock },
        { provide: PARTITION_LOGIN, useValue: partitionLogin },
      ],
      exports: [RETENTION_SETTINGS, CLOCK, PARTITION_LOGIN],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: MonitoringAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MonitoringSettingsModule.forRoot(
          config.retention ?? DEFAULT_RETENTION,
          config.clock ?? (() => new Date()),
          partitionLogin(config.topology, MONITORING_SERVICE),
        ),
        DataModule.forRoot({
          service: MONITORING_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          healthTimeoutMs: config.healthTimeoutMs,
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        OperatorAccessModule.forRoot(config.operatorToken),
        DataMetricsModule,
        PartitionsModule,
        SamplesModule,
        DataHealthModule,
      ],
    };
  }
}
