import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { DEFAULT_WORKER_SETTINGS, WORKER_SETTINGS, type WorkerSettings } from './delivery/worker-settings.js';
import { MessagesModule } from './messages/messages.module.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const NOTIFICATION_SERVICE = 'notification';

export interface NotificationAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.notification.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
  /** The delivery worker of this instance; the defaults (on, polling every 500 ms, 8 attempts) when absent. */
  worker?: Partial<WorkerSettings>;
}

@Module({})
export class AppModule {
  static forRoot(config: NotificationAppConfig): DynamicModule {
    const worker: WorkerSettings = { ...DEFAULT_WORKER_SETTINGS, ...config.worker };
    return {
      module: AppModule,
      // Global: the messages module's services inject the worker settings.
      global: true,
      providers: [{ provide: WORKER_SETTINGS, useValue: worker }],
      exports: [WORKER_SETTINGS],
      imports: [
        DataModule.forRoot({
          service: NOTIFICATION_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        MessagesModule,
        DataHealthModule,
      ],
    };
  }
}
