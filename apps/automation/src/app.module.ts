import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { JobsModule } from './jobs/jobs.module.js';
import { DEFAULT_SCHEDULER_SETTINGS, SCHEDULER_SETTINGS, type SchedulerSettings } from './jobs/scheduler.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const AUTOMATION_SERVICE = 'automation';

export interface AutomationAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.automation.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
  /** This instance's scheduler; on, ticking every second, when absent. */
  scheduler?: Partial<SchedulerSettings>;
}

@Module({})
export class AppModule {
  static forRoot(config: AutomationAppConfig): DynamicModule {
    return {
      module: AppModule,
      // Global: the jobs module's scheduler injects its settings.
      global: true,
      providers: [{ provide: SCHEDULER_SETTINGS, useValue: { ...DEFAULT_SCHEDULER_SETTINGS, ...config.scheduler } }],
      exports: [SCHEDULER_SETTINGS],
      imports: [
        DataModule.forRoot({
          service: AUTOMATION_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        JobsModule,
        DataHealthModule,
      ],
    };
  }
}
