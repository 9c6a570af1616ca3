import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { PageQuery, type Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import { CreateItemDto } from './dto/create-item.dto.js';
import type { ItemResponse } from './dto/item.response.js';
import { ItemsService } from './items.service.js';

@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Post()
  create(@Body() body: CreateItemDto): Promise<ItemResponse> {
    return this.items.create(body.name);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<ItemResponse>> {
    return this.items.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<ItemResponse> {
    return this.items.get(id);
  }
}
