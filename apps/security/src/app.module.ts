import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { MasterKey } from '@neo/data/envelope';
import { CredentialsModule } from './credentials/credentials.module.js';
import { SecretsModule } from './secrets/secrets.module.js';
import { SECURITY_MASTER_KEY } from './secrets/security-master-key.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const SECURITY_SERVICE = 'security';

export interface SecurityAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.security.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
  /** The key that wraps the secrets' data keys; from NEO_SECURITY_MASTER_KEY when absent (the service refuses to start without one). */
  masterKey?: MasterKey;
}

@Module({})
export class AppModule {
  static forRoot(config: SecurityAppConfig): DynamicModule {
    // Read at start, so a missing or malformed master key stops the service before it serves anything.
    const masterKey = config.masterKey ?? MasterKey.fromEnv(SECURITY_MASTER_KEY);
    return {
      module: AppModule,
      // Global: the secrets module's service injects it.
      global: true,
      providers: [{ provide: MasterKey, useValue: masterKey }],
      exports: [MasterKey],
      imports: [
        DataModule.forRoot({
          service: SECURITY_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        CredentialsModule,
        SecretsModule,
        DataHealthModule,
      ],
    };
  }
}
