/** How long a message waits before its next attempt: doubling from `baseMs`, capped at `maxMs`. */
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * The delay after failed attempt number `attempt` (1 for the first): base, 2×base, 4×base, …,
 * at most `maxMs`, with up to 20 % random jitter subtracted so that messages failed together
 * (a recipient down for a while) do not all come back at the same instant.
 */
export function backoffDelayMs(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponential = settings.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(exponential, settings.maxMs);
  return Math.round(capped * (1 - 0.2 * random()));
}
