import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeManifest } from './backup-manifest.js';
import { backupFolderName, keepDaysOf, pruneBackups } from './backup-retention.js';

describe('backup retention', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

  async function backupAt(root: string, createdAt: string, keepDays?: number): Promise<string> {
    const folder = join(root, backupFolderName(new Date(createdAt)));
    mkdirSync(folder, { recursive: true });
    await writeManifest(folder, { format: 'neo-db-backup/1', createdAt, ...(keepDays !== undefined ? { keepDays } : {}), dumps: [] });
    return folder;
  }

  it('removes backups older than their keepDays and keeps the rest, unknown folders too', async () => {
    const root = mkdtempSync(join(tmpdir(), 'neo-retention-'));
    roots.push(root);
    await backupAt(root, '2026-10-01T02:00:00.000Z', 30);
    await backupAt(root, '2026-11-20T02:00:00.000Z', 30);
    await backupAt(root, '2026-01-01T02:00:00.000Z'); // no keepDays: kept
    mkdirSync(join(root, 'notes'));
    const removed = await pruneBackups(root, new Date('2026-11-30T02:00:00.000Z'));
    expect(removed).toEqual([join(root, '2026-10-01T02-00-00Z')]);
    expect(readdirSync(root).sort()).toEqual(['2026-01-01T02-00-00Z', '2026-11-20T02-00-00Z', 'notes']);
  });

  it('keeps a backup as long as its longest-kept cluster wants, and forever when one declares no keepDays', () => {
    expect(keepDaysOf([7, 30])).toBe(30);
    expect(keepDaysOf([7, undefined])).toBeUndefined();
    expect(keepDaysOf([])).toBeUndefined();
  });

  it('names folders by UTC time, sortable and without colons', () => {
    expect(backupFolderName(new Date('2026-11-30T06:12:03.456Z'))).toBe('2026-11-30T06-12-03Z');
  });
});
