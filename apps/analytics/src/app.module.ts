import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { EventsModule } from './events/events.module.js';
import { partitionLogin } from '@neo/data/partitioning';
import {
  CLOCK,
  PARTITION_LOGIN,
  RETENTION_SETTINGS,
  retentionFromTopology,
  type Clock,
  type RetentionSettings,
} from './partitions/retention-settings.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const ANALYTICS_SERVICE = 'analytics';

export interface AnalyticsAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.analytics.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
  /** Partitioning and retention of the events; the topology's `partitioning` of `events` when absent. */
  retention?: RetentionSettings;
  /** The time partitions are made and dropped by, and events are checked against (tests move it). */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(config: AnalyticsAppConfig): DynamicModule {
    return {
      module: AppModule,
      // Global: the events module's services inject the settings and the clock.
      global: true,
      providers: [
        { provide: RETENTION_SETTINGS, useValue: config.retention ?? retentionFromTopology(config.topology) },
        { provide: CLOCK, useValue: config.clock ?? (() => new Date()) },
        { provide: PARTITION_LOGIN, useValue: partitionLogin(config.topology, ANALYTICS_SERVICE) },
      ],
      exports: [RETENTION_SETTINGS, CLOCK, PARTITION_LOGIN],
      imports: [
        DataModule.forRoot({
          service: ANALYTICS_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        EventsModule,
        DataHealthModule,
      ],
    };
  }
}
