import { InvalidSecretNameError } from './secret.errors.js';

export const MAX_SECRET_NAME_LENGTH = 200;
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** The `:name` of the path, checked before any query (the validation pipes see only DTOs). Never echoes a bad name back. */
export function secretName(name: string): string {
  if (name.length > MAX_SECRET_NAME_LENGTH) {
    throw new InvalidSecretNameError(`is ${name.length} characters long; at most ${MAX_SECRET_NAME_LENGTH}`);
  }
  if (!SECRET_NAME.test(name)) {
    throw new InvalidSecretNameError('may hold letters, digits and . _ : - only, and starts with a letter or digit');
  }
  return name;
}
