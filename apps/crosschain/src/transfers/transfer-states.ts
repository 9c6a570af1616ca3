/** The states of a transfer, in the order a successful one goes through them. */
export const TRANSFER_STATES = ['requested', 'locked', 'relayed', 'completed', 'failed'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

/**
 * Where a transfer may go from each state: one step forward, or to `failed` from any state
 * before `completed`. `completed` and `failed` are final.
 */
const NEXT: Record<TransferState, readonly TransferState[]> = {
  requested: ['locked', 'failed'],
  locked: ['relayed', 'failed'],
  relayed: ['completed', 'failed'],
  completed: [],
  failed: [],
};

export function nextStates(from: TransferState): readonly TransferState[] {
  return NEXT[from];
}

export function canMove(from: TransferState, to: TransferState): boolean {
  return NEXT[from].includes(to);
}
