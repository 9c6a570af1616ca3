import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPgBouncer } from './pgbouncer-binary.js';

const folder = mkdtempSync(path.join(tmpdir(), 'neo-pgbouncer-bin-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('findPgBouncer', () => {
  it('takes $NEO_PGBOUNCER first', () => {
    expect(findPgBouncer({ NEO_PGBOUNCER: '/opt/pgbouncer/bin/pgbouncer', PATH: folder }, [])).toBe('/opt/pgbouncer/bin/pgbouncer');
  });

  it('finds an executable pgbouncer on PATH or in the sbin folders, and nothing where there is none', () => {
    const empty = mkdtempSync(path.join(folder, 'empty-'));
    expect(findPgBouncer({ PATH: empty }, [])).toBeUndefined();
    const program = path.join(folder, 'pgbouncer');
    writeFileSync(program, '#!/bin/sh\n');
    expect(findPgBouncer({ PATH: folder }, [])).toBeUndefined(); // not executable
    chmodSync(program, 0o755);
    expect(findPgBouncer({ PATH: `${empty}${path.delimiter}${folder}` }, [])).toBe(program);
    expect(findPgBouncer({ PATH: '' }, [empty, folder])).toBe(program);
  });
});
