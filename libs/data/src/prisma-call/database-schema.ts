/** The part of Prisma's driver-adapter factory (`@prisma/driver-adapter-utils`) read here. */
interface AdapterFactoryLike {
  readonly provider?: string;
  connect(): Promise<{ getConnectionInfo?(): { schemaName?: string }; dispose(): Promise<void> }>;
}

/**
 * The PostgreSQL schema a Prisma client's queries name (`"schema"."table"`): the driver adapter's
 * `schemaName` (adapter-pg's `{ schema }` option: a service's schema inside the monolith), else
 * `public`, as Prisma's query compiler chooses it. Asked of the adapter the way Prisma asks it,
 * through a connection of the adapter's own, which is disposed again (over an external pool, as
 * `NodePools` gives, that opens no connection). Undefined when the client has no PostgreSQL
 * driver adapter.
 */
export async function databaseSchemaOf(client: object): Promise<string | undefined> {
  const config = Reflect.get(client, '_engineConfig') as { adapter?: AdapterFactoryLike } | undefined;
  const factory = config?.adapter;
  if (!factory || factory.provider !== 'postgres' || typeof factory.connect !== 'function') return undefined;
  const adapter = await factory.connect();
  try {
    return adapter.getConnectionInfo?.().schemaName ?? 'public';
  } finally {
    await adapter.dispose();
  }
}
