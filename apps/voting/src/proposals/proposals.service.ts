import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { newestFirstPages, Uuidv7Generator, type Page } from '@neo/data';
import type { VotingDb } from '../voting-db.js';
import { toProposalResponse, type ProposalResponse } from './dto/proposal.response.js';
import { ClosesInThePastError, InvalidProposalsCursorError, ProposalNotFoundError } from './proposal.errors.js';

const pages = newestFirstPages('createdAt', (options) => new InvalidProposalsCursorError(options));

export interface NewProposal {
  title: string;
  description?: string;
  choices: string[];
  closesAt?: Date;
}

/** Proposals: plain Prisma calls on the client the data module gives (the monolith's schema or neo_voting). */
@Injectable()
export class ProposalsService {
  constructor(
    @InjectDataClient() private readonly db: VotingDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  async create(input: NewProposal): Promise<ProposalResponse> {
    const createdAt = new Date();
    if (input.closesAt !== undefined && input.closesAt.getTime() <= createdAt.getTime()) throw new ClosesInThePastError(input.closesAt);
    const proposal = await this.db.proposal.create({
      data: {
        id: this.ids.next(),
        title: input.title,
        description: input.description ?? null,
        choices: input.choices,
        closesAt: input.closesAt ?? null,
        createdAt,
      },
    });
    return toProposalResponse(proposal);
  }

  async get(id: string): Promise<ProposalResponse> {
    const proposal = await this.db.proposal.findUnique({ where: { id } });
    if (!proposal) throw new ProposalNotFoundError(id);
    return toProposalResponse(proposal);
  }

  /** Every proposal, newest first, `limit` at a time. */
  async list(query: { limit: number; cursor?: string }): Promise<Page<ProposalResponse>> {
    const after = query.cursor === undefined ? undefined : pages.decode(query.cursor);
    const rows = await this.db.proposal.findMany({ where: pages.after(after), orderBy: pages.orderBy, take: query.limit + 1 });
    const page = pages.page(rows, query.limit);
    return { items: page.items.map(toProposalResponse), nextCursor: page.nextCursor };
  }
}
