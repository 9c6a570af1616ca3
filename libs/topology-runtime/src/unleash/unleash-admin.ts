/** A flag strategy as the Unleash admin API takes it. */
export interface AdminStrategy {
  readonly name: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly constraints?: readonly unknown[];
}

/**
 * The few admin API calls used to drive flags (tests, `neo-db up`) (project `default`, environment
 * `development`, the one the client token reads).
 */
export class UnleashAdmin {
  constructor(
    private readonly baseUrl: () => string,
    private readonly adminToken: string,
  ) {}

  /** Creates the flag (off), with these strategies in `development` if given. Creating an existing flag fails. */
  async createFlag(name: string, strategies: readonly AdminStrategy[] = []): Promise<void> {
    await this.request('POST', '/api/admin/projects/default/features', { name, type: 'release' });
    for (const strategy of strategies) await this.request('POST', `${this.featurePath(name)}/strategies`, { constraints: [], ...strategy });
  }

  /** Creates the flag unless it exists (the admin API answers 409 for a taken name); true when created. */
  async ensureFlag(name: string, strategies: readonly AdminStrategy[] = []): Promise<boolean> {
    const response = await fetch(`${this.baseUrl()}/api/admin/projects/default/features/${encodeURIComponent(name)}`, {
      headers: { Authorization: this.adminToken },
    });
    await response.body?.cancel();
    if (response.ok) return false;
    await this.createFlag(name, strategies);
    return true;
  }

  /** Turns the flag on (Unleash adds a 100 % flexibleRollout when it has no strategy). */
  async enable(name: string): Promise<void> {
    await this.request('POST', `${this.featurePath(name)}/on`);
  }

  async disable(name: string): Promise<void> {
    await this.request('POST', `${this.featurePath(name)}/off`);
  }

  /**
   * Makes the flag a flexibleRollout of `percent` % sticky by userId (groupId: the flag name,
   * as Unleash's UI does), replacing its strategies, and turns it on.
   */
  async setRollout(name: string, percent: number, stickiness = 'userId'): Promise<void> {
    const rollout = { name: 'flexibleRollout', constraints: [], parameters: { rollout: String(percent), stickiness, groupId: name } };
    const existing = (await this.request('GET', `${this.featurePath(name)}/strategies`)) as Array<{ id: string }>;
    const [first, ...rest] = existing;
    if (first) await this.request('PUT', `${this.featurePath(name)}/strategies/${first.id}`, rollout);
    else await this.request('POST', `${this.featurePath(name)}/strategies`, rollout);
    for (const extra of rest) await this.request('DELETE', `${this.featurePath(name)}/strategies/${extra.id}`);
    await this.enable(name);
  }

  private featurePath(name: string): string {
    return `/api/admin/projects/default/features/${encodeURIComponent(name)}/environments/development`;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl()}${path}`, {
      method,
      headers: { Authorization: this.adminToken, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Unleash admin API ${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}
