import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import { SmsRouter } from '../../sms/routing/sms-router';
import { AdminController } from '../admin-route.decorator';

/** One gateway as an operator sees it. */
export class GatewayHealthView {
  @ApiProperty({ example: 'sparrow', description: 'As named in SMS_GATEWAY, in that order.' })
  gateway!: string;

  @ApiProperty({
    enum: ['closed', 'open', 'half-open'],
    example: 'closed',
    description:
      "This instance's circuit: `open` skips the gateway without a request; `half-open` lets one send probe it.",
  })
  circuit!: 'closed' | 'open' | 'half-open';

  @ApiProperty({
    enum: ['sent', 'refused', 'unreached', 'unknown'],
    nullable: true,
    type: String,
    example: 'sent',
    description: 'The outcome of the last attempt on this instance; null before the first.',
  })
  lastOutcome!: 'sent' | 'refused' | 'unreached' | 'unknown' | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  lastOutcomeAt!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 240, description: 'Milliseconds.' })
  lastLatencyMs!: number | null;

  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 1200,
    description:
      'The credit balance the gateway reports (cached a minute); null when it tells none.',
  })
  credits!: number | null;
}

@AdminController('admin')
@Controller({ path: 'admin/gateways', version: '1' })
export class GatewaysController {
  constructor(private readonly router: SmsRouter) {}

  @Get()
  @ApiOperation({
    summary: "Each SMS gateway's circuit, last outcome, latency and credit balance",
    description:
      'As this instance sees them (circuits are per process), in the order a send tries them.',
  })
  @ApiOkResponse({
    description:
      'Each configured gateway, in routing order, with its circuit and last known credit.',
    type: [GatewayHealthView],
  })
  list(): Promise<GatewayHealthView[]> {
    return this.router.health();
  }
}
