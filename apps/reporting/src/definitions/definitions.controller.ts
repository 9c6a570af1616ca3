import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { PageQuery, type Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import { CreateDefinitionDto } from './dto/create-definition.dto.js';
import type { DefinitionResponse } from './dto/definition.response.js';
import { DefinitionsService } from './definitions.service.js';

@Controller('definitions')
export class DefinitionsController {
  constructor(private readonly definitions: DefinitionsService) {}

  @Post()
  create(@Body() body: CreateDefinitionDto): Promise<DefinitionResponse> {
    return this.definitions.create(body);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<DefinitionResponse>> {
    return this.definitions.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<DefinitionResponse> {
    return this.definitions.get(id);
  }
}
