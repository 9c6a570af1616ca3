import { Body, Controller, Post } from '@nestjs/common';
import { RecordInputsDto } from './dto/record-inputs.dto.js';
import { InputsService } from './inputs.service.js';

@Controller('inputs')
export class InputsController {
  constructor(private readonly inputs: InputsService) {}

  /** 201 with how many inputs were new (a batch sent again writes none). */
  @Post()
  record(@Body() body: RecordInputsDto): Promise<{ written: number }> {
    return this.inputs.record(body.inputs);
  }
}
