import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { partitionLogin } from '@neo/data/partitioning';
import { DefinitionsModule } from './definitions/definitions.module.js';
import { PrismaClient } from './generated/prisma/client.js';
import { InputsModule } from './inputs/inputs.module.js';
import {
  CLOCK,
  PARTITION_LOGIN,
  RETENTION_SETTINGS,
  retentionFromTopologyOf,
  type Clock,
  type ReportingRetention,
} from './partitions/retention-settings.js';
import { ReportsModule } from './reports/reports.module.js';

/** The name of this service in the topology. */
export const REPORTING_SERVICE = 'reporting';

export interface ReportingAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.reporting.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
  /** Partitioning and retention of the inputs and the reports; the topology's `partitioning` when absent. */
  retention?: ReportingRetention;
  /** The time partitions are made and dropped by, and windows are checked against (tests move it). */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(config: ReportingAppConfig): DynamicModule {
    return {
      module: AppModule,
      // Global: the feature modules' services inject the settings and the clock.
      global: true,
      providers: [
        { provide: RETENTION_SETTINGS, useValue: config.retention ?? retentionFromTopologyOf(config.topology, REPORTING_SERVICE) },
        { provide: CLOCK, useValue: config.clock ?? (() => new Date()) },
        { provide: PARTITION_LOGIN, useValue: partitionLogin(config.topology, REPORTING_SERVICE) },
      ],
      exports: [RETENTION_SETTINGS, CLOCK, PARTITION_LOGIN],
      imports: [
        DataModule.forRoot({
          service: REPORTING_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        InputsModule,
        DefinitionsModule,
        ReportsModule,
        DataHealthModule,
      ],
    };
  }
}
