/** One series of an instant query's answer. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value?: string;
}

/** The few calls of Prometheus' HTTP API the tools and tests use. */
export class PrometheusClient {
  constructor(readonly url: string) {}

  /** An instant query; a query Prometheus refuses fails with its error message. */
  async query(promql: string): Promise<PromSample[]> {
    const data = await this.get<{ resultType: string; result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
    return data.result;
  }

  async alerts(): Promise<PromAlert[]> {
    return (await this.get<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
  }

  /** Scrape targets and their health (`up`, `down`, `unknown`). */
  async targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string }>> {
    return (
      await this.get<{ activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> }>('/api/v1/targets')
    ).activeTargets;
  }

  private async get<T>(path: string): Promise<T> {
    const response = await fetch(this.url + path, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${decodeURIComponent(path)}: ${body.error ?? response.status}`);
    return body.data;
  }
}
