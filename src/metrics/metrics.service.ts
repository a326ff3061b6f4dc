import { Injectable, Logger } from '@nestjs/common';
import { CheckOutcome, MetricsRegistry, SendRefusalReason, SmsOutcome } from './metrics-registry';
import { SendRefusalCounts } from './send-refusals/send-refusal-counts';

// Label values come from our own code, but a label is forever: anything unexpected is folded
// into one value rather than becoming a new series.
const GATEWAY_NAME = /^[a-z0-9_-]{1,20}$/;
const OPERATOR_NAME = /^[A-Z]{1,10}$/;

/**
 * What the rest of the app calls where an event happens (never by parsing logs). Each call is a
 * few in-memory increments; `sendRefused` also counts the refusal for the statistics API, which
 * writes to PostgreSQL in the background (SendRefusalCounts).
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly refusals: SendRefusalCounts,
  ) {}

  /** One gateway attempt at an SMS: what the gateway said and how long it took to say it. */
  smsAttempt(gateway: string, operator: string | null, outcome: SmsOutcome, seconds: number): void {
    const gatewayLabel = gatewayLabelOf(gateway);
    this.metrics.smsTotal.inc({
      gateway: gatewayLabel,
      operator: operator === null ? 'none' : OPERATOR_NAME.test(operator) ? operator : 'other',
      outcome,
    });
    if (Number.isFinite(seconds) && seconds >= 0) {
      this.metrics.gatewayRequestDuration.observe({ gateway: gatewayLabel }, seconds);
    }
  }

  check(outcome: CheckOutcome): void {
    this.metrics.checksTotal.inc({ outcome });
  }

  /** A send refused before any SMS (a limit, the budget, a block, a missing challenge). */
  sendRefused(reason: SendRefusalReason): void {
    this.metrics.sendRefusalsTotal.inc({ reason });
    this.refusals.record(reason);
  }

  /** The balance a gateway reported (Sparrow's credit endpoint, say). */
  gatewayCredits(gateway: string, credits: number): void {
    if (!Number.isFinite(credits)) return;
    this.metrics.gatewayCredits.set({ gateway: gatewayLabelOf(gateway) }, credits);
  }

  /** `count` is asked at every scrape for phone_verify_fraud_blocks_active (fraud/ hands it in). */
  readActiveBlocksFrom(count: () => Promise<number>): void {
    this.metrics.readActiveBlocksFrom(count, (error) => {
      this.logger.warn({ err: error }, 'active blocks not counted for this scrape');
    });
  }
}

function gatewayLabelOf(gateway: string): string {
  const name = gateway.toLowerCase();
  return GATEWAY_NAME.test(name) ? name : 'other';
}
