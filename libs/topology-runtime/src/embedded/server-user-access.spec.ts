import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstBlockedDir, unreachableDirMessage } from './server-user-access.js';

// Decided from owner, group and mode bits, so any user can check it for a made-up server user.
const stranger = { uid: 4_000_123, gid: 4_000_123, groups: [4_000_123] };

describe('which folder keeps the server user out', () => {
  let privateDir = '';
  beforeAll(async () => {
    privateDir = await mkdtemp(path.join(tmpdir(), 'neo-access-'));
    await mkdir(path.join(privateDir, 'open', 'data'), { recursive: true });
    await chmod(path.join(privateDir, 'open'), 0o755);
  });
  afterAll(() => rm(privateDir, { recursive: true, force: true }));

  it('names the 0700 folder on the way, however deep the target lies below it', async () => {
    expect(await firstBlockedDir(path.join(privateDir, 'open', 'data'), stranger)).toBe(privateDir);
    expect(await firstBlockedDir(path.join(privateDir, 'not', 'made', 'yet'), stranger)).toBe(privateDir);
  });

  it('lets it through folders open to others, and everywhere when the servers run as this user', async () => {
    await chmod(privateDir, 0o711);
    try {
      expect(await firstBlockedDir(path.join(privateDir, 'open', 'data'), stranger)).toBeUndefined();
    } finally {
      await chmod(privateDir, 0o700);
    }
    expect(await firstBlockedDir(privateDir, undefined)).toBeUndefined();
  });

  it('lets the owner and the group in by their own bits', async () => {
    const owner = { uid: process.getuid?.() ?? 0, gid: 4_000_124 };
    expect(await firstBlockedDir(privateDir, owner)).toBeUndefined();
  });

  it('says why and what to do, in one line', () => {
    const message = unreachableDirMessage('the data directory', '/root/p/.neo/data', '/root');
    expect(message).not.toContain('\n');
    expect(message).toMatch(/cannot enter \/root.*chmod o\+x \/root/);
  });
});
