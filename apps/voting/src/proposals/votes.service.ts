import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { Uuidv7Generator, withReadConsistency } from '@neo/data';
import type { VotingDb } from '../voting-db.js';
import { toVoteResponse, type TallyResponse, type VoteResponse } from './dto/proposal.response.js';
import { AlreadyVotedError, InvalidChoiceError, ProposalClosedError, ProposalNotFoundError } from './proposal.errors.js';

/**
 * Votes and tallies. "One vote per voter per proposal" is the unique index on
 * (proposal_id, voter_id), not a check before the insert: two concurrent votes of one voter
 * both pass any check, and only the index refuses the second.
 */
@Injectable()
export class VotesService {
  constructor(
    @InjectDataClient() private readonly db: VotingDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  async cast(proposalId: string, voterId: string, choice: string): Promise<VoteResponse> {
    // On the primary: a proposal created a moment ago by another user may not be on a replica yet.
    const proposal = await withReadConsistency('primary', () => this.db.proposal.findUnique({ where: { id: proposalId } }));
    if (!proposal) throw new ProposalNotFoundError(proposalId);
    const now = new Date();
    if (proposal.closesAt !== null && proposal.closesAt.getTime() <= now.getTime())
      throw new ProposalClosedError(proposalId, proposal.closesAt);
    if (!proposal.choices.includes(choice)) throw new InvalidChoiceError(choice, proposal.choices);
    try {
      const vote = await this.db.vote.create({ data: { id: this.ids.next(), proposalId, voterId, choice, castAt: now } });
      return toVoteResponse(vote);
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyVotedError(proposalId, voterId, { cause: error });
      throw error;
    }
  }

  /** The votes per choice, counted by the database (`groupBy`), every choice listed. */
  async tally(proposalId: string): Promise<TallyResponse> {
    const [proposal, groups] = await Promise.all([
      this.db.proposal.findUnique({ where: { id: proposalId } }),
      this.db.vote.groupBy({ by: ['choice'], where: { proposalId }, _count: { _all: true } }),
    ]);
    if (!proposal) throw new ProposalNotFoundError(proposalId);
    const votes = new Map(groups.map((group) => [group.choice, group._count._all]));
    const counts = proposal.choices.map((choice) => ({ choice, votes: votes.get(choice) ?? 0 }));
    return { proposalId, total: counts.reduce((sum, count) => sum + count.votes, 0), counts };
  }
}

/** Prisma's P2002: a unique constraint refused the row. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
