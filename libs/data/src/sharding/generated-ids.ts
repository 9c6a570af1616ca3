import { uuidv7 } from './ids/uuidv7.js';
import { isPlainObject } from './shard-key-extraction.js';

/** Per model, the field that gets a new UUIDv7 when a created row leaves it out (e.g. `{ Transaction: 'id' }`). */
export type GeneratedIds = Readonly<Record<string, string>>;

/**
 * Fills the id field of new rows before routing, so an id used as a shard key (or read
 * back from another shard later) is known in the application. Returns new arguments;
 * the caller's object is not changed.
 */
export function withGeneratedIds(
  generatedIds: GeneratedIds,
  model: string,
  operation: string,
  args: Record<string, unknown>,
  newId: () => string = uuidv7,
): Record<string, unknown> {
  const field = generatedIds[model];
  if (!field) return args;
  const fill = (row: unknown) => (isPlainObject(row) && row[field] === undefined ? { ...row, [field]: newId() } : row);
  switch (operation) {
    case 'create':
      return { ...args, data: fill(args.data) };
    case 'createMany':
    case 'createManyAndReturn':
      return { ...args, data: Array.isArray(args.data) ? args.data.map(fill) : fill(args.data) };
    case 'upsert':
      return { ...args, create: fill(args.create) };
    default:
      return args;
  }
}
