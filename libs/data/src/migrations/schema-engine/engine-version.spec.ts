import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const nodeModules = new URL('../../../../../node_modules/', import.meta.url);
const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(new URL(`${name}/package.json`, nodeModules), 'utf8')) as { version: string }).version;

describe('the schema engine', () => {
  it('is built from the same engines commit as the Prisma CLI and client', () => {
    // `7.10.0-4.0edf323…`: the CLI version, then the commit of prisma-engines it was built from.
    const cliEngines = versionOf('@prisma/engines-version').split('.').at(-1);
    const wasm = versionOf('@prisma/schema-engine-wasm');
    expect(wasm.split('.').at(-1)).toBe(cliEngines);
    expect(wasm.startsWith(`${versionOf('prisma')}-`)).toBe(true);
    expect(versionOf('@prisma/client')).toBe(versionOf('prisma'));
  });
});
