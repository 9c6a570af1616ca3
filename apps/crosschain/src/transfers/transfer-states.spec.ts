import { describe, expect, it } from 'vitest';
import { canMove, nextStates, TRANSFER_STATES } from './transfer-states.js';

describe('transfer states', () => {
  it('go one step forward, or to failed before completion', () => {
    expect(canMove('requested', 'locked')).toBe(true);
    expect(canMove('locked', 'relayed')).toBe(true);
    expect(canMove('relayed', 'completed')).toBe(true);
    for (const from of ['requested', 'locked', 'relayed'] as const) expect(canMove(from, 'failed')).toBe(true);
  });

  it('never skip a step, go back, or leave a final state', () => {
    expect(canMove('requested', 'relayed')).toBe(false);
    expect(canMove('relayed', 'locked')).toBe(false);
    for (const to of TRANSFER_STATES) {
      expect(canMove('completed', to)).toBe(false);
      expect(canMove('failed', to)).toBe(false);
    }
    expect(nextStates('completed')).toEqual([]);
  });
});
