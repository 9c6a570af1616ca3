import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { PageQuery, type Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import { GenerateReportDto } from './dto/generate-report.dto.js';
import type { ReportResponse, ReportSummary } from './dto/report.response.js';
import { ReportsService } from './reports.service.js';

@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** 201 with the report, its rows computed from the inputs of the window. */
  @Post('definitions/:id/reports')
  generate(@Param('id', UuidParamPipe) definitionId: string, @Body() body: GenerateReportDto): Promise<ReportResponse> {
    return this.reports.generate(definitionId, body);
  }

  @Get('definitions/:id/reports')
  list(@Param('id', UuidParamPipe) definitionId: string, @Query() query: PageQuery): Promise<Page<ReportSummary>> {
    return this.reports.list(definitionId, query);
  }

  @Get('reports/:id')
  get(@Param('id', UuidParamPipe) id: string): Promise<ReportResponse> {
    return this.reports.get(id);
  }
}
