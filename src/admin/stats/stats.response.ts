import { ApiProperty } from '@nestjs/swagger';

export class RefusalsByReason {
  @ApiProperty({
    type: 'integer',
    description: 'Another code asked for within OTP_RESEND_COOLDOWN_SECONDS.',
    example: 3,
  })
  cooldown!: number;
  @ApiProperty({
    type: 'integer',
    description: 'The per-number hourly (or daily) limit.',
    example: 0,
  })
  phone!: number;
  @ApiProperty({ type: 'integer', description: 'The per-account daily limit.', example: 0 })
  user!: number;
  @ApiProperty({
    type: 'integer',
    description: 'The per-client-IP (or per-network) limit.',
    example: 1,
  })
  ip!: number;
  @ApiProperty({ type: 'integer', description: 'SMS_DAILY_BUDGET was spent.', example: 2 })
  budget!: number;
  @ApiProperty({
    type: 'integer',
    description: 'The number or its prefix was blocked.',
    example: 0,
  })
  blocked!: number;
  @ApiProperty({
    type: 'integer',
    description: 'A proof-of-work challenge was required and missing.',
    example: 0,
  })
  challenge!: number;
}

export class StatsCounts {
  @ApiProperty({
    type: 'integer',
    description:
      'SMS that may have reached a phone: gateway attempts whose outcome was `sent` or `unknown`.',
    example: 1380,
  })
  sent!: number;

  @ApiProperty({
    type: 'integer',
    description:
      'Gateway attempts that did not go out: refused or not reached (failover included).',
    example: 42,
  })
  refused!: number;

  @ApiProperty({
    type: 'integer',
    description: 'The part of `sent` whose gateway gave no trustworthy answer.',
    example: 12,
  })
  unknown!: number;

  @ApiProperty({
    type: 'integer',
    description: 'Verifications approved (by approval time).',
    example: 990,
  })
  approved!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: '`approved ÷ sent`, rounded to 4 places; null when nothing was sent.',
    example: 0.7174,
  })
  conversionRate!: number | null;

  /** Sends refused before any SMS, by reason (counted per whole hour). */
  @ApiProperty({ type: RefusalsByReason })
  refusals!: RefusalsByReason;
}

export class StatsBucket extends StatsCounts {
  @ApiProperty({
    format: 'date-time',
    description: 'The UTC hour or day this bucket starts.',
    example: '2026-11-20T08:00:00.000Z',
  })
  start!: string;
}

export class OperatorStats {
  @ApiProperty({ example: 'NTC', description: 'NTC, NCELL, SMART, UTL, or `unknown`.' })
  operator!: string;
  @ApiProperty({ type: 'integer', example: 800 })
  sent!: number;
  @ApiProperty({ type: 'integer', example: 600 })
  approved!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.75 })
  conversionRate!: number | null;
}

export class GatewayStats {
  @ApiProperty({ example: 'sparrow' })
  gateway!: string;
  @ApiProperty({ type: 'integer', example: 1000 })
  sent!: number;
  @ApiProperty({ type: 'integer', example: 30 })
  refused!: number;
  @ApiProperty({ type: 'integer', example: 8 })
  unknown!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Median time to the gateway’s answer (percentile_cont), ms.',
    example: 310,
  })
  p50Ms!: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: '95th percentile, ms.',
    example: 2400,
  })
  p95Ms!: number | null;
}

export class StatsResponse {
  @ApiProperty({ format: 'date-time', example: '2026-11-20T08:00:00.000Z' })
  from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-20T10:30:00.000Z' })
  to!: string;
  @ApiProperty({ enum: ['hour', 'day'], example: 'hour' })
  bucket!: 'hour' | 'day';
  /** The whole range. */
  @ApiProperty({ type: StatsCounts })
  totals!: StatsCounts;
  @ApiProperty({ type: [StatsBucket], description: 'Every bucket of the range, empty ones too.' })
  buckets!: StatsBucket[];
  @ApiProperty({ type: [OperatorStats] })
  byOperator!: OperatorStats[];
  @ApiProperty({ type: [GatewayStats] })
  byGateway!: GatewayStats[];
}
