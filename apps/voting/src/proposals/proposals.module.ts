import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { ProposalsController } from './proposals.controller.js';
import { ProposalsService } from './proposals.service.js';
import { VotesService } from './votes.service.js';

/** Proposal, vote and tally endpoints. The data client comes from the global `DataModule`. */
@Module({
  controllers: [ProposalsController],
  providers: [ProposalsService, VotesService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class ProposalsModule {}
