import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { MasterKey } from '@neo/data/envelope';
import { KEYMANAGEMENT_MASTER_KEY } from './envelope/master-key.js';
import { KeysModule } from './keys/keys.module.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const KEYMANAGEMENT_SERVICE = 'keymanagement';

export interface KeymanagementAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.keymanagement.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
  /** The key that wraps every data key; from NEO_KEYMANAGEMENT_MASTER_KEY when absent (the service refuses to start without one). */
  masterKey?: MasterKey;
}

@Module({})
export class AppModule {
  static forRoot(config: KeymanagementAppConfig): DynamicModule {
    // Read at start, so a missing or malformed master key stops the service before it serves anything.
    const masterKey = config.masterKey ?? MasterKey.fromEnv(KEYMANAGEMENT_MASTER_KEY);
    return {
      module: AppModule,
      // Global: the keys module's services inject it.
      global: true,
      providers: [{ provide: MasterKey, useValue: masterKey }],
      exports: [MasterKey],
      imports: [
        DataModule.forRoot({
          service: KEYMANAGEMENT_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        KeysModule,
        DataHealthModule,
      ],
    };
  }
}
