import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { DownsampleQuery, SeriesWindowQuery } from './dto/series-window.query.js';
import { SERIES_NAME, WriteSamplesDto } from './dto/write-samples.dto.js';
import { InvalidSeriesQueryError } from './samples.errors.js';
import { SamplesService } from './samples.service.js';

interface SeriesResponse {
  series: string;
  samples: Array<{ at: string; value: number }>;
}

interface DownsampleResponse {
  series: string;
  bucket: string;
  buckets: Array<{ start: string; avg: number; min: number; max: number; count: number }>;
}

@Controller()
export class SamplesController {
  constructor(private readonly samples: SamplesService) {}

  @Post('samples')
  async write(@Body() body: WriteSamplesDto): Promise<{ written: number }> {
    return { written: await this.samples.write(body.samples) };
  }

  @Get('series/:name')
  async series(@Param('name') name: string, @Query() query: SeriesWindowQuery): Promise<SeriesResponse> {
    const samples = await this.samples.series(seriesName(name), query, query.limit);
    return { series: name, samples: samples.map((sample) => ({ at: sample.at.toISOString(), value: sample.value })) };
  }

  @Get('series/:name/downsample')
  async downsample(@Param('name') name: string, @Query() query: DownsampleQuery): Promise<DownsampleResponse> {
    const buckets = await this.samples.downsample(seriesName(name), query, query.bucket);
    return { series: name, bucket: query.bucket, buckets: buckets.map((bucket) => ({ ...bucket, start: bucket.start.toISOString() })) };
  }
}

/** The `:name` of the path: the validation pipes see only DTOs, so it is checked here, before any query. */
function seriesName(name: string): string {
  if (name.length > 200) throw new InvalidSeriesQueryError(`the series name (:name) is ${name.length} characters long; at most 200`);
  if (!SERIES_NAME.test(name)) {
    throw new InvalidSeriesQueryError(`the series name (:name) may hold letters, digits and . _ : - only; got ${JSON.stringify(name)}`);
  }
  return name;
}
