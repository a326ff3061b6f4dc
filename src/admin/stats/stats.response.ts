import { ApiProperty } from '@nestjs/swagger';

export class RefusalsByReason {
  @ApiProperty({ description: 'Another code asked for within OTP_RESEND_COOLDOWN_SECONDS.' })
  cooldown!: number;
  @ApiProperty({ description: 'The per-number hourly (or daily) limit.' })
  phone!: number;
  @ApiProperty({ description: 'The per-account daily limit.' })
  user!: number;
  @ApiProperty({ description: 'The per-client-IP (or per-network) limit.' })
  ip!: number;
  @ApiProperty({ description: 'SMS_DAILY_BUDGET was spent.' })
  budget!: number;
  @ApiProperty({ description: 'The number or its prefix was blocked.' })
  blocked!: number;
  @ApiProperty({ description: 'A proof-of-work challenge was required and missing.' })
  challenge!: number;
}

export class StatsCounts {
  @ApiProperty({
    description:
      'SMS that may have reached a phone: gateway attempts whose outcome was `sent` or `unknown`.',
    example: 1380,
  })
  sent!: number;

  @ApiProperty({
    description: 'Gateway attempts that did not go out: refused or not reached (failover included).',
    example: 42,
  })
  refused!: number;

  @ApiProperty({
    description: 'The part of `sent` whose gateway gave no trustworthy answer.',
    example: 12,
  })
  unknown!: number;

  @ApiProperty({ description: 'Verifications approved (by approval time).', example: 990 })
  approved!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: '`approved ÷ sent`, rounded to 4 places; null when nothing was sent.',
    example: 0.7174,
  })
  conversionRate!: number | null;

  @ApiProperty({
    type: RefusalsByReason,
    description: 'Sends refused before any SMS, by reason (counted per whole hour).',
  })
  refusals!: RefusalsByReason;
}

export class StatsBucket extends StatsCounts {
  @ApiProperty({ format: 'date-time', description: 'The UTC hour or day this bucket starts.' })
  start!: string;
}

export class OperatorStats {
  @ApiProperty({ example: 'NTC', description: 'NTC, NCELL, SMART, UTL, or `unknown`.' })
  operator!: string;
  @ApiProperty({ example: 800 })
  sent!: number;
  @ApiProperty({ example: 600 })
  approved!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.75 })
  conversionRate!: number | null;
}

export class GatewayStats {
  @ApiProperty({ example: 'sparrow' })
  gateway!: string;
  @ApiProperty({ example: 1000 })
  sent!: number;
  @ApiProperty({ example: 30 })
  refused!: number;
  @ApiProperty({ example: 8 })
  unknown!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median time to the gateway’s answer (percentile_cont), ms.',
    example: 310,
  })
  p50Ms!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '95th percentile, ms.', example: 2400 })
  p95Ms!: number | null;
}

export class StatsResponse {
  @ApiProperty({ format: 'date-time' })
  from!: string;
  @ApiProperty({ format: 'date-time' })
  to!: string;
  @ApiProperty({ enum: ['hour', 'day'] })
  bucket!: 'hour' | 'day';
  @ApiProperty({ type: StatsCounts, description: 'The whole range.' })
  totals!: StatsCounts;
  @ApiProperty({ type: [StatsBucket], description: 'Every bucket of the range, empty ones too.' })
  buckets!: StatsBucket[];
  @ApiProperty({ type: [OperatorStats] })
  byOperator!: OperatorStats[];
  @ApiProperty({ type: [GatewayStats] })
  byGateway!: GatewayStats[];
}
