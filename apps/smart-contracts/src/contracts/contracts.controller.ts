import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { UuidParamPipe } from '@neo/data/nest';
import { ContractsService } from './contracts.service.js';
import { toContractResponse, type ContractResponse } from './dto/contract.response.js';
import { CreateContractDto } from './dto/create-contract.dto.js';

@Controller('contracts')
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  async register(@Body() body: CreateContractDto): Promise<ContractResponse> {
    return toContractResponse(await this.contracts.register(body));
  }

  @Get(':id')
  async get(@Param('id', UuidParamPipe) id: string): Promise<ContractResponse> {
    return toContractResponse(await this.contracts.get(id));
  }
}
