import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblemResponse } from '../../common/http/api-problem-response';
import { AdminController } from '../admin-route.decorator';
import { StatisticsService } from './statistics.service';
import { StatsQueryDto } from './stats-query.dto';
import { StatsResponse } from './stats.response';

@AdminController('admin')
@Controller({ path: 'admin/stats', version: '1' })
export class StatsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get()
  @ApiOperation({
    summary: 'Sends, approvals, conversion and refusals over time',
    description:
      'Computed in PostgreSQL from the delivery log (one row per gateway attempt), the verifications and ' +
      'the refusal counts. Conversion is approved ÷ sent, where sent counts attempts whose outcome was ' +
      '`sent` or `unknown`. Buckets are UTC hours or days; the first and last may be partial. At most 31 days ' +
      'by hour, 366 by day.',
  })
  @ApiOkResponse({ type: StatsResponse, description: 'The counts over the range, per bucket.' })
  @ApiProblemResponse(
    400,
    { VALIDATION_FAILED: 'A bad date or bucket, `from` not before `to`, or a range too long.' },
    { errors: [{ field: 'bucket', message: 'must be hour or day' }] },
  )
  stats(@Query() query: StatsQueryDto): Promise<StatsResponse> {
    return this.statistics.statistics(this.statistics.windowOf(query));
  }
}
