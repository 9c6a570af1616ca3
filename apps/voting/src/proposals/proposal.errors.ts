import { DataError } from '@neo/data';

/** No proposal has this id. */
export class ProposalNotFoundError extends DataError {
  constructor(readonly proposalId: string) {
    super('VOTING_PROPOSAL_NOT_FOUND', `no proposal with id ${proposalId}; list the proposals with GET /proposals`);
  }
}

/** The voter has voted on this proposal already: one vote per voter per proposal. */
export class AlreadyVotedError extends DataError {
  constructor(proposalId: string, voterId: string, options?: { cause?: unknown }) {
    super(
      'VOTING_ALREADY_VOTED',
      `voter ${JSON.stringify(voterId)} has already voted on proposal ${proposalId}; a vote cannot be cast twice or changed`,
      options,
    );
  }
}

/** The proposal's `closesAt` has passed. */
export class ProposalClosedError extends DataError {
  constructor(proposalId: string, closedAt: Date) {
    super('VOTING_PROPOSAL_CLOSED', `proposal ${proposalId} closed for votes at ${closedAt.toISOString()}`);
  }
}

/** The vote names a choice the proposal does not offer. */
export class InvalidChoiceError extends DataError {
  constructor(choice: string, choices: readonly string[]) {
    super(
      'VOTING_INVALID_CHOICE',
      `choice ${JSON.stringify(choice)} is not offered by this proposal; choose one of: ${choices.join(', ')}`,
    );
  }
}

/** A proposal whose `closesAt` has already passed when it is created. */
export class ClosesInThePastError extends DataError {
  constructor(closesAt: Date) {
    super(
      'VOTING_CLOSES_IN_THE_PAST',
      `closesAt ${closesAt.toISOString()} has passed: give a time in the future, or none to keep the proposal open`,
    );
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidProposalsCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('VOTING_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
