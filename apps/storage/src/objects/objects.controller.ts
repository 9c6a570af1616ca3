import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { UuidParamPipe } from '@neo/data/nest';
import { CreateObjectDto } from './dto/create-object.dto.js';
import { ListObjectsQuery } from './dto/list-objects.query.js';
import { toResponse, type StorageObjectPage, type StorageObjectResponse } from './dto/storage-object.response.js';
import { ObjectsService } from './objects.service.js';

@Controller('objects')
export class ObjectsController {
  constructor(private readonly objects: ObjectsService) {}

  @Post()
  async create(@Body() body: CreateObjectDto): Promise<StorageObjectResponse> {
    return toResponse(await this.objects.create(body));
  }

  @Get(':id')
  async get(@Param('id', UuidParamPipe) id: string): Promise<StorageObjectResponse> {
    return toResponse(await this.objects.get(id));
  }

  @Get()
  async list(@Query() query: ListObjectsQuery): Promise<StorageObjectPage> {
    const page = await this.objects.list(query);
    return { items: page.items.map(toResponse), nextCursor: page.nextCursor };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.objects.delete(id);
  }
}
