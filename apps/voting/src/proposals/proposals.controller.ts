import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { PageQuery, type Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import { CastVoteDto } from './dto/cast-vote.dto.js';
import { CreateProposalDto } from './dto/create-proposal.dto.js';
import type { ProposalResponse, TallyResponse, VoteResponse } from './dto/proposal.response.js';
import { ProposalsService } from './proposals.service.js';
import { VotesService } from './votes.service.js';

@Controller('proposals')
export class ProposalsController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly votes: VotesService,
  ) {}

  @Post()
  create(@Body() body: CreateProposalDto): Promise<ProposalResponse> {
    return this.proposals.create(body);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<ProposalResponse>> {
    return this.proposals.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<ProposalResponse> {
    return this.proposals.get(id);
  }

  /** 201 with the vote; 409 when this voter has voted on the proposal already, or it is closed. */
  @Post(':id/votes')
  vote(@Param('id', UuidParamPipe) id: string, @Body() body: CastVoteDto): Promise<VoteResponse> {
    return this.votes.cast(id, body.voterId, body.choice);
  }

  @Get(':id/tally')
  tally(@Param('id', UuidParamPipe) id: string): Promise<TallyResponse> {
    return this.votes.tally(id);
  }
}
