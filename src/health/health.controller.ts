import { Controller, Get, Res, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/public.decorator';
import { ServiceUnavailableError } from '../common/errors/domain-error';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from '../common/http/problem-details';
import { ShutdownState } from './shutdown-state';

@Public()
@ApiTags('health')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: 200 when the database answers, 503 otherwise (and while the instance drains before it stops)',
  })
  @ApiOkResponse({
    description:
      'The database answers. Nothing about the SMS gateways or their balances is disclosed here ' +
      '(admins see those in `GET /v1/admin/gateways`).',
  })
  @ApiServiceUnavailableResponse({
    description:
      'problem+json: code NOT_READY when the database does not answer; SHUTTING_DOWN once the instance received SIGTERM (it still serves every other route during the drain, then stops).',
  })
  async ready(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthCheckResult | ProblemDetails> {
    if (this.shutdown.draining) {
      // answered, not thrown: a drain is the plan, not an error to log on every probe
      void reply.status(503).header('content-type', PROBLEM_CONTENT_TYPE);
      return problem(503, 'SHUTTING_DOWN', 'This instance is shutting down.');
    }
    try {
      return await this.health.check([() => this.database.pingCheck('database').withTimeout(1500)]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw new ServiceUnavailableError('NOT_READY', 'The database does not answer.', 5);
    }
  }
}
