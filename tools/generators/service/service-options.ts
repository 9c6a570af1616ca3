/** Options of `nx g @neo/tools:service` (the same as schema.json). */
export interface ServiceGeneratorOptions {
  name: string;
  cluster: string;
  port?: number;
  description?: string;
  skipMigration?: boolean;
}

/** The names a service's files use, all derived from its topology name (e.g. "keymanagement"). */
export interface ServiceNames {
  /** The topology name, app folder, prisma folder and monolith schema: `keymanagement`. */
  name: string;
  /** Class prefix: `Keymanagement` (KeymanagementAppConfig, createKeymanagementApp). */
  className: string;
  /** Constant prefix: `KEYMANAGEMENT` (KEYMANAGEMENT_SERVICE, error codes). */
  constName: string;
  /** Its database on its cluster: `neo_keymanagement`. */
  database: string;
}

const SERVICE_NAME = /^[a-z][a-z0-9]*$/;

/** Thrown for options the generator cannot use; the message says what to pass instead. */
export class ServiceGeneratorError extends Error {}

export function serviceNames(name: string): ServiceNames {
  if (!SERVICE_NAME.test(name)) {
    throw new ServiceGeneratorError(
      `service name ${JSON.stringify(name)} is not valid: use lower-case letters and digits, starting with a letter (e.g. "voting")`,
    );
  }
  return { name, className: name.charAt(0).toUpperCase() + name.slice(1), constName: name.toUpperCase(), database: `neo_${name}` };
}
