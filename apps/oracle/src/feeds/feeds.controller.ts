import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { PageQuery } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import type { FeedResponse, FeedValueResponse, Page } from './dto/feed.response.js';
import { PublishValueDto } from './dto/publish-value.dto.js';
import { RegisterFeedDto } from './dto/register-feed.dto.js';
import { FeedsService } from './feeds.service.js';

@Controller('feeds')
export class FeedsController {
  constructor(private readonly feeds: FeedsService) {}

  @Post()
  register(@Body() body: RegisterFeedDto): Promise<FeedResponse> {
    return this.feeds.register(body);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<FeedResponse>> {
    return this.feeds.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<FeedResponse> {
    return this.feeds.get(id);
  }

  @Post(':id/values')
  publish(@Param('id', UuidParamPipe) id: string, @Body() body: PublishValueDto): Promise<FeedValueResponse> {
    return this.feeds.publish(id, body);
  }

  @Get(':id/latest')
  latest(@Param('id', UuidParamPipe) id: string): Promise<FeedValueResponse> {
    return this.feeds.latest(id);
  }

  @Get(':id/values')
  history(@Param('id', UuidParamPipe) id: string, @Query() query: PageQuery): Promise<Page<FeedValueResponse>> {
    return this.feeds.history(id, query);
  }
}
