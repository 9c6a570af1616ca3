import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { allowedKeys, fieldSchemaAt, guideAt, guided, numberFieldNames } from './field-guide.js';
import { appSettingsSchema } from './seed-service-config.js';
import { topologySchema } from './topology.schema.js';

/** Every field path of a schema, `*` standing for a record key or a list index. */
function fieldPaths(schema: z.core.$ZodType, prefix: string[] = []): string[][] {
  const field = fieldSchemaAt(schema, []);
  let inner = field!;
  for (;;) {
    const def = inner._zod.def as unknown as { type: string; innerType?: z.core.$ZodType };
    if (!def.innerType) break;
    inner = def.innerType;
  }
  const def = inner._zod.def as unknown as {
    type: string;
    shape?: Record<string, z.core.$ZodType>;
    valueType?: z.core.$ZodType;
    element?: z.core.$ZodType;
  };
  if (def.type === 'object')
    return Object.entries(def.shape!).flatMap(([key, value]) => [[...prefix, key], ...fieldPaths(value, [...prefix, key])]);
  if (def.type === 'record') return fieldPaths(def.valueType!, [...prefix, '*']);
  if (def.type === 'array') return fieldPaths(def.element!, [...prefix, '*']);
  return [];
}

describe('field guides declared in the schema', () => {
  it.each([
    ['the topology', topologySchema],
    ['an appsettings block', appSettingsSchema],
  ])('cover every field of %s', (_name, schema) => {
    const paths = fieldPaths(schema);
    expect(paths.length).toBeGreaterThan(15);
    const unguided = paths.filter((path) => !guideAt(schema, path)).map((path) => path.join('.'));
    expect(unguided).toEqual([]);
  });

  it('give the guide of the field at a path, through records, lists, optionals and defaults', () => {
    expect(guideAt(topologySchema, ['clusters', 'core', 'replicas', 0, 'port'])?.expects).toBe('a number from 1 to 65535');
    expect(guideAt(topologySchema, ['services', 'storage', 'sharding', 'shards', 1, 'remainder'])?.hint).toMatch(/modulus/);
    expect(guideAt(topologySchema, ['services', 'storage', 'cache', 'strategy'])?.expects).toBe('read-through');
    expect(guideAt(topologySchema, ['services', 'storage', 'sharding', 'strategy'])?.expects).toBe('one of range, modulo, hash');
    expect(guideAt(topologySchema, ['services', 'storage', 'nope'])).toBeUndefined();
    expect(allowedKeys(topologySchema, ['monolith'])).toEqual(['cluster', 'database']);
  });

  it('keep a guide on checks chained after it', () => {
    const port = guided(z.number(), { expects: 'a port', hint: 'e.g. 5432' }).int().min(1);
    expect(guideAt(z.strictObject({ port: port.optional() }), ['port'])).toEqual({ expects: 'a port', hint: 'e.g. 5432' });
  });
});

describe('numeric fields', () => {
  it('are every field the schemas declare as a number', () => {
    expect([...numberFieldNames(topologySchema, appSettingsSchema)].sort()).toEqual(
      [
        'port',
        'replicationPort',
        'weight',
        'max',
        'min',
        'idleTimeoutMs',
        'connectionTimeoutMs',
        'statementTimeoutMs',
        'synchronousReplicas',
        'unreachableForMs',
        'checkIntervalMs',
        'transactionTimeoutMs',
        'keepDays',
        'keepOldLayoutDays',
        'maxLagMs',
        'lagPollIntervalMs',
        'ttlSeconds',
        'maxBatch',
        'windowMs',
        'remainder',
        'modulus',
        'aheadDays',
        'retentionDays',
        'partitionsAhead',
        'maxClientConn',
        'defaultPoolSize',
        'minPoolSize',
        'reservePoolSize',
        'reservePoolTimeoutSeconds',
        'serverLifetimeSeconds',
        'serverIdleTimeoutSeconds',
        'Remainder',
        'Modulus',
        'CacheTTL',
      ].sort(),
    );
  });
});
