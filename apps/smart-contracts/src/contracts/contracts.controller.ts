import { Body, Controller, Get, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ContractsService } from './contracts.service.js';
import { toContractResponse, type ContractResponse } from './dto/contract.response.js';
import { CreateContractDto } from './dto/create-contract.dto.js';

const contractId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

@Controller('contracts')
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  async register(@Body() body: CreateContractDto): Promise<ContractResponse> {
    return toContractResponse(await this.contracts.register(body));
  }

  @Get(':id')
  async get(@Param('id', contractId) id: string): Promise<ContractResponse> {
    return toContractResponse(await this.contracts.get(id));
  }
}
