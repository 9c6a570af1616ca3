import { Module } from '@nestjs/common';
import { PartitionsModule } from '../partitions/partitions.module.js';
import { InputsController } from './inputs.controller.js';
import { InputsService } from './inputs.service.js';

/** `POST /inputs`: the measurements reports are computed from. */
@Module({
  imports: [PartitionsModule],
  controllers: [InputsController],
  providers: [InputsService],
})
export class InputsModule {}
