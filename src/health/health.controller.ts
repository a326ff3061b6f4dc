import { Controller, Get, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/auth/public.decorator';
import { ServiceUnavailableError } from '../common/errors/domain-error';
import { SmsReadiness } from '../sms/sms-readiness';

/** Terminus' result plus the SMS gateway detail, which is reported but never fails readiness. */
type ReadinessReport = Omit<HealthCheckResult, 'info' | 'details'> & {
  info?: Record<string, object | undefined>;
  details: Record<string, object>;
};

@Public()
@ApiTags('health')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly sms: SmsReadiness,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when the database answers, 503 otherwise' })
  @ApiOkResponse({
    description:
      'The database answers. With SMS_GATEWAY=sparrow, `info.sms` reports the credit balance ' +
      '(`status: "unknown"` when Sparrow cannot be asked; that never fails readiness).',
  })
  @ApiServiceUnavailableResponse({
    description: 'problem+json, code NOT_READY, with the failing checks.',
  })
  async ready(): Promise<ReadinessReport> {
    try {
      const [result, sms] = await Promise.all([
        this.health.check([() => this.database.pingCheck('database').withTimeout(1500)]),
        this.sms.report(),
      ]);
      if (!sms) return result;
      return { ...result, info: { ...result.info, sms }, details: { ...result.details, sms } };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw new ServiceUnavailableError('NOT_READY', 'The database does not answer.', 5);
    }
  }
}
