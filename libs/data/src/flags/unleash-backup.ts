import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientFeaturesResponse } from 'unleash-client';

/**
 * unleash-client's backup storage, written by us for two reasons: only values that came from
 * the server are backed up (the client also saves bootstrap values, which a later start would
 * then mistake for last known ones), and the file is replaced atomically (the client writes in
 * place, so a crash mid-write leaves a file it cannot read).
 */
export class UnleashBackup {
  /** True once `get` returned a backup (the values then came from a previous run). */
  loaded = false;

  constructor(
    private readonly directory: string,
    private readonly shouldSave: () => boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  private reads = new Map<string, Promise<ClientFeaturesResponse | undefined>>();

  /** The backup, read once per key (the client and the bootstrap both ask at start). */
  get(key: string): Promise<ClientFeaturesResponse | undefined> {
    let read = this.reads.get(key);
    if (!read) {
      read = this.read(key);
      this.reads.set(key, read);
    }
    return read;
  }

  private async read(key: string): Promise<ClientFeaturesResponse | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(error);
      return undefined;
    }
    try {
      const backup = JSON.parse(text) as ClientFeaturesResponse;
      this.loaded = Array.isArray(backup.features) && backup.features.length > 0;
      return this.loaded ? backup : undefined;
    } catch (error) {
      this.onError(
        new Error(`The flag backup ${this.fileOf(key)} is not valid JSON; it is ignored and rewritten on the next update.`, {
          cause: error,
        }),
      );
      return undefined;
    }
  }

  async set(key: string, data: ClientFeaturesResponse): Promise<void> {
    if (!this.shouldSave()) return;
    const file = this.fileOf(key);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.directory, { recursive: true });
      await writeFile(temporary, JSON.stringify(data));
      await rename(temporary, file);
    } catch (error) {
      this.onError(error);
    }
  }

  private fileOf(key: string): string {
    return path.join(this.directory, `unleash-backup-${key.replace(/[^\w.-]/g, '_')}.json`);
  }
}
