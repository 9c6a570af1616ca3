import type { Proposal, Vote } from '../../generated/prisma/client.js';

/** A proposal as the API returns it; dates ISO 8601. */
export interface ProposalResponse {
  id: string;
  title: string;
  description: string | null;
  choices: string[];
  closesAt: string | null;
  createdAt: string;
}

export interface VoteResponse {
  id: string;
  proposalId: string;
  voterId: string;
  choice: string;
  castAt: string;
}

/** The votes per choice (every choice listed, in the proposal's order, 0 when none) and their total. */
export interface TallyResponse {
  proposalId: string;
  total: number;
  counts: { choice: string; votes: number }[];
}

export function toProposalResponse(proposal: Proposal): ProposalResponse {
  return {
    id: proposal.id,
    title: proposal.title,
    description: proposal.description,
    choices: proposal.choices,
    closesAt: proposal.closesAt?.toISOString() ?? null,
    createdAt: proposal.createdAt.toISOString(),
  };
}

export function toVoteResponse(vote: Vote): VoteResponse {
  return { id: vote.id, proposalId: vote.proposalId, voterId: vote.voterId, choice: vote.choice, castAt: vote.castAt.toISOString() };
}
