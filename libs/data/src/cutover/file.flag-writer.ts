import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';
import type { FeatureDefinition } from '../flags/feature-definition.js';
import { isFeatureOnForEveryone } from '../flags/evaluate-feature.js';
import { parseFlagsText } from '../flags/load-flags-file.js';
import { CutoverError } from './cutover.error.js';
import { useShardedDatabaseFlags } from '../selection/side-flag-names.js';
import { type CutoverFlagNames, type CutoverFlagValues, type FlagWriter, type WriteSide } from './flag-writer.js';

export interface FileFlagWriterOptions {
  /** The flags file (config/flags.yaml, or `$NEO_FLAGS_FILE`). Created when missing. */
  path: string;
  flagNames?: (service: string) => CutoverFlagNames;
}

/**
 * Writes the cutover flags into the flags file the file provider watches, keeping its comments
 * and every other flag. Each write replaces the file in one rename, so a watcher never reads
 * half a file, and is checked with the provider's own parser first, so it never writes a file
 * the services would refuse.
 */
export class FileFlagWriter implements FlagWriter {
  private readonly names: (service: string) => CutoverFlagNames;

  constructor(private readonly options: FileFlagWriterOptions) {
    this.names = options.flagNames ?? useShardedDatabaseFlags;
  }

  describe(): string {
    return `flags file ${this.options.path}`;
  }

  async read(service: string): Promise<CutoverFlagValues> {
    const text = await this.readText();
    const features = new Map(parseFlagsText(text ?? 'version: 1\n', this.options.path).map((feature) => [feature.name, feature]));
    const names = this.names(service);
    return {
      readPercent: rolloutPercent(features.get(names.reads)),
      writeSide: isFeatureOnForEveryone(features.get(names.writes)) ? 'service' : 'monolith',
    };
  }

  async setReadPercent(service: string, percent: number): Promise<void> {
    const name = this.names(service).reads;
    await this.edit((document) => {
      const existing = document.getIn(['flags', name]);
      if (isMap(existing) && !existing.has('strategies')) {
        existing.set('enabled', true);
        existing.set('rollout', percent);
      } else {
        document.setIn(['flags', name], document.createNode({ rollout: percent, stickiness: 'userId' }));
      }
    });
  }

  async setWriteSide(service: string, side: WriteSide): Promise<void> {
    const name = this.names(service).writes;
    await this.edit((document) => document.setIn(['flags', name], side === 'service'));
  }

  private async readText(): Promise<string | undefined> {
    try {
      return await readFile(this.options.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CutoverError('CUTOVER_FLAGS_FAILED', `Cannot read the flags file ${this.options.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private async edit(change: (document: Document) => void): Promise<void> {
    const text =
      (await this.readText()) ?? '# Feature flags of the file provider (format: see config/flags.yaml).\nversion: 1\nflags: {}\n';
    const document = parseDocument(text);
    if (!isMap(document.get('flags'))) document.set('flags', document.createNode({}));
    change(document);
    const next = document.toString();
    // Refuses (with the provider's own message) anything the services would not load.
    parseFlagsText(next, this.options.path);
    const temporary = path.join(path.dirname(this.options.path), `.${path.basename(this.options.path)}.${randomUUID()}.tmp`);
    try {
      await writeFile(temporary, next, 'utf8');
      await rename(temporary, this.options.path);
    } catch (error) {
      throw new CutoverError('CUTOVER_FLAGS_FAILED', `Cannot write the flags file ${this.options.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** The share of users a flag is on for: 0 when off, 100 for a switch, else its rollout. */
export function rolloutPercent(feature: FeatureDefinition | undefined): number {
  if (!feature?.enabled) return 0;
  if (feature.strategies.length === 0) return 100;
  return Math.max(...feature.strategies.map((strategy) => (strategy.name === 'default' ? 100 : Number(strategy.parameters.rollout))));
}
