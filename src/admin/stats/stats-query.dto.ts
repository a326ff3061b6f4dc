import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import {
  STATISTICS_BUCKETS,
  type StatisticsBucket,
} from '../../common/statistics/statistics-window';

/** `GET /v1/admin/stats` query; the range rules across fields are StatisticsService's. */
export class StatsQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Start (inclusive), ISO-8601. Default: `to` less 24 hours.',
    example: '2026-11-21T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date and time' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'End (exclusive), ISO-8601. Default: now.',
    example: '2026-11-22T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date and time' })
  to?: string;

  @ApiPropertyOptional({ enum: STATISTICS_BUCKETS, default: 'hour' })
  @IsOptional()
  @IsIn(STATISTICS_BUCKETS, { message: 'must be hour or day' })
  bucket?: StatisticsBucket;
}
