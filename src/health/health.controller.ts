import { Controller, Get, Res, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/public.decorator';
import { ServiceUnavailableError } from '../common/errors/domain-error';
import { ApiProblemResponse } from '../common/http/api-problem-response';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from '../common/http/problem-details';
import { ShutdownState } from './shutdown-state';

/** Terminus's indicators by name (here only `database`). */
const INDICATORS = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
  },
  example: { database: { status: 'up' } },
} satisfies SchemaObject;

/** The body terminus answers when every check passes (here: the database). */
const READY_SCHEMA = {
  type: 'object',
  required: ['status', 'info', 'error', 'details'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ok'], example: 'ok' },
    info: INDICATORS,
    error: { ...INDICATORS, example: {} },
    details: INDICATORS,
  },
} satisfies SchemaObject;

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
  @ApiOkResponse({
    description: 'The process runs.',
    schema: {
      type: 'object',
      required: ['status'],
      additionalProperties: false,
      properties: { status: { type: 'string', enum: ['ok'], example: 'ok' } },
    },
  })
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
    schema: READY_SCHEMA,
  })
  @ApiProblemResponse(
    503,
    {
      NOT_READY: {
        detail: 'The database does not answer within 1.5 s.',
        extensions: { retryAfterSeconds: 5 },
      },
      SHUTTING_DOWN:
        'This instance received SIGTERM: it still serves every other route during the drain, then stops.',
    },
    {},
    'With NOT_READY: seconds before asking again (5). SHUTTING_DOWN sends none: this instance will not come back.',
  )
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
