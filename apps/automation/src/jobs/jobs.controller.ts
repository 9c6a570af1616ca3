import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { PageQuery, type Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import { CreateJobDto } from './dto/create-job.dto.js';
import type { JobResponse, JobRunResponse } from './dto/job.response.js';
import { JobsService } from './jobs.service.js';

@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  create(@Body() body: CreateJobDto): Promise<JobResponse> {
    return this.jobs.create(body);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<JobResponse> {
    return this.jobs.get(id);
  }

  @Get(':id/runs')
  runs(@Param('id', UuidParamPipe) id: string, @Query() query: PageQuery): Promise<Page<JobRunResponse>> {
    return this.jobs.runs(id, query);
  }
}
