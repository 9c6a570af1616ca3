import { CutoverError } from './cutover.error.js';
import { useShardedDatabaseFlags } from '../selection/side-flag-names.js';
import { type CutoverFlagNames, type CutoverFlagValues, type FlagWriter, type WriteSide } from './flag-writer.js';

export interface UnleashFlagWriterOptions {
  /** The Unleash server, e.g. `http://127.0.0.1:4242` (no trailing `/api`). */
  url: string;
  /** An admin API token. Never logged. */
  adminToken: string;
  project?: string;
  environment?: string;
  flagNames?: (service: string) => CutoverFlagNames;
  fetch?: typeof fetch;
}

interface UnleashStrategy {
  id: string;
  name: string;
  parameters?: Record<string, string>;
  constraints?: unknown[];
}

interface UnleashFeature {
  environments?: Array<{ name: string; enabled: boolean; strategies?: UnleashStrategy[] }>;
}

/**
 * Writes the cutover flags through Unleash's admin API (project `default`, environment
 * `development` unless told otherwise). The read flag is one flexibleRollout strategy
 * (sticky by userId, group = the flag name, as the file provider does); the write switch is
 * the environment turned on (with a 100 % rollout) or off.
 */
export class UnleashFlagWriter implements FlagWriter {
  private readonly project: string;
  private readonly environment: string;
  private readonly names: (service: string) => CutoverFlagNames;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: UnleashFlagWriterOptions) {
    this.project = options.project ?? 'default';
    this.environment = options.environment ?? 'development';
    this.names = options.flagNames ?? useShardedDatabaseFlags;
    this.fetch = options.fetch ?? fetch;
  }

  describe(): string {
    return `Unleash at ${this.options.url} (project ${this.project}, environment ${this.environment})`;
  }

  async read(service: string): Promise<CutoverFlagValues> {
    const names = this.names(service);
    const [reads, writes] = await Promise.all([this.environmentOf(names.reads), this.environmentOf(names.writes)]);
    const percentOf = (environment: Awaited<ReturnType<UnleashFlagWriter['environmentOf']>>) =>
      !environment?.enabled
        ? 0
        : (environment.strategies ?? []).length === 0
          ? 100
          : Math.max(
              ...(environment.strategies ?? []).map((strategy) =>
                strategy.name === 'flexibleRollout' ? Number(strategy.parameters?.['rollout'] ?? 0) : 100,
              ),
            );
    return { readPercent: percentOf(reads), writeSide: percentOf(writes) >= 100 ? 'service' : 'monolith' };
  }

  async setReadPercent(service: string, percent: number): Promise<void> {
    const name = this.names(service).reads;
    await this.setRollout(name, percent);
    await this.request('POST', `${this.featurePath(name)}/environments/${this.environment}/on`);
  }

  async setWriteSide(service: string, side: WriteSide): Promise<void> {
    const name = this.names(service).writes;
    if (side === 'service') {
      await this.setRollout(name, 100);
      await this.request('POST', `${this.featurePath(name)}/environments/${this.environment}/on`);
    } else {
      await this.ensureFeature(name);
      await this.request('POST', `${this.featurePath(name)}/environments/${this.environment}/off`);
    }
  }

  private async setRollout(name: string, percent: number): Promise<void> {
    await this.ensureFeature(name);
    const environment = await this.environmentOf(name);
    const strategy = {
      name: 'flexibleRollout',
      parameters: { rollout: String(percent), stickiness: 'userId', groupId: name },
      constraints: [],
    };
    const existing = (environment?.strategies ?? []).find((candidate) => candidate.name === 'flexibleRollout');
    const strategiesPath = `${this.featurePath(name)}/environments/${this.environment}/strategies`;
    if (existing) await this.request('PUT', `${strategiesPath}/${existing.id}`, strategy);
    else await this.request('POST', strategiesPath, strategy);
  }

  private async ensureFeature(name: string): Promise<void> {
    const response = await this.request('GET', this.featurePath(name), undefined, [404]);
    if (response.status === 404) await this.request('POST', `/api/admin/projects/${this.project}/features`, { name, type: 'release' });
  }

  private async environmentOf(name: string): Promise<{ enabled: boolean; strategies?: UnleashStrategy[] } | undefined> {
    const response = await this.request('GET', this.featurePath(name), undefined, [404]);
    if (response.status === 404) return undefined;
    const feature = (await response.json()) as UnleashFeature;
    return feature.environments?.find((environment) => environment.name === this.environment);
  }

  private featurePath(name: string): string {
    return `/api/admin/projects/${this.project}/features/${encodeURIComponent(name)}`;
  }

  private async request(method: string, path: string, body?: unknown, accept: number[] = []): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetch(`${this.options.url.replace(/\/$/, '')}${path}`, {
        method,
        headers: { Authorization: this.options.adminToken, 'Content-Type': 'application/json', Accept: 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new CutoverError(
        'CUTOVER_FLAGS_FAILED',
        `Unleash at ${this.options.url} cannot be reached (${(error as Error).message}); check the URL and that the server runs.`,
        { cause: error },
      );
    }
    if (!response.ok && !accept.includes(response.status)) {
      const text = await response.text().catch(() => '');
      throw new CutoverError(
        'CUTOVER_FLAGS_FAILED',
        `Unleash refused ${method} ${path}: ${response.status} ${text.slice(0, 300)}${response.status === 401 || response.status === 403 ? ' — check the admin token' : ''}`,
      );
    }
    return response;
  }
}
