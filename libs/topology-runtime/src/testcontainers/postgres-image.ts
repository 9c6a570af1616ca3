import type { ContainerRuntimeClient } from 'testcontainers';

/** Built by `npm run containers:setup` where no registry is reachable (Debian bookworm's PostgreSQL 15 + gosu). */
export const LOCAL_POSTGRES_IMAGE = 'neo-postgres:15-bookworm';
export const OFFICIAL_POSTGRES_IMAGE = 'postgres:15';

/**
 * The PostgreSQL 15 image the containers run: `NEO_POSTGRES_IMAGE` when set, else the locally
 * built image when the engine has it, else the official one (pulled by the engine when needed).
 * Both honour POSTGRES_PASSWORD, POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD and PGDATA.
 */
export async function choosePostgresImage(client: ContainerRuntimeClient, env: NodeJS.ProcessEnv): Promise<string> {
  const configured = env['NEO_POSTGRES_IMAGE'];
  if (configured) return configured;
  return (await imageExists(client, LOCAL_POSTGRES_IMAGE)) ? LOCAL_POSTGRES_IMAGE : OFFICIAL_POSTGRES_IMAGE;
}

export async function imageExists(client: ContainerRuntimeClient, image: string): Promise<boolean> {
  try {
    await client.container.dockerode.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}
