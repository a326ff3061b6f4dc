import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const SMS_OUTCOMES = ['sent', 'refused', 'unreached', 'unknown'] as const;
export type SmsOutcome = (typeof SMS_OUTCOMES)[number];

export const CHECK_OUTCOMES = [
  'approved',
  'wrong_code',
  'expired',
  'too_many_attempts',
  'not_found',
] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];

/** Why a send was refused before any SMS: the limits, the budget, a block, a missing challenge. */
export const SEND_REFUSAL_REASONS = [
  'cooldown',
  'phone',
  'user',
  'ip',
  'budget',
  'blocked',
  'challenge',
] as const;
export type SendRefusalReason = (typeof SEND_REFUSAL_REASONS)[number];

/**
 * The process's one prom-client registry and every series of the service (docs/operations.md,
 * "Metrics"). One registry per application instance rather than prom-client's global one, so
 * several apps in one process (the tests) never collide over a metric name.
 *
 * Labels carry only bounded values: gateway and operator names, outcomes, reasons, HTTP methods,
 * route patterns and status codes. Never a phone number, user id, IP or code.
 */
export class MetricsRegistry {
  readonly registry = new Registry();

  readonly smsTotal = new Counter({
    name: 'phone_verify_sms_total',
    help: 'Gateway attempts at an SMS, by gateway, mobile operator and outcome.',
    labelNames: ['gateway', 'operator', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly checksTotal = new Counter({
    name: 'phone_verify_checks_total',
    help: 'Code checks, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly sendRefusalsTotal = new Counter({
    name: 'phone_verify_send_refusals_total',
    help: 'Sends refused before any SMS, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly fraudBlocksActive: Gauge;

  readonly gatewayRequestDuration = new Histogram({
    name: 'phone_verify_gateway_request_duration_seconds',
    help: 'Time an SMS gateway took to answer one attempt, in seconds.',
    labelNames: ['gateway'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
    registers: [this.registry],
  });

  readonly gatewayCredits = new Gauge({
    name: 'phone_verify_gateway_credits',
    help: 'The credit balance a gateway last reported.',
    labelNames: ['gateway'] as const,
    registers: [this.registry],
  });

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** Set by whoever owns the blocks (fraud/); read when Prometheus scrapes. */
  private activeBlocks: (() => Promise<number>) | undefined;
  private onActiveBlocksFailure: ((error: unknown) => void) | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // A labelled counter appears only once it has a value; every known value starts at 0, so
    // rate() and absent() work from the first scrape.
    for (const outcome of CHECK_OUTCOMES) this.checksTotal.inc({ outcome }, 0);
    for (const reason of SEND_REFUSAL_REASONS) this.sendRefusalsTotal.inc({ reason }, 0);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- prom-client calls collect with the gauge as `this`
    const metrics = this;
    this.fraudBlocksActive = new Gauge({
      name: 'phone_verify_fraud_blocks_active',
      help: 'Blocks (operator and automatic) in force at scrape time.',
      registers: [this.registry],
      async collect() {
        if (!metrics.activeBlocks) return;
        try {
          this.set(await metrics.activeBlocks());
        } catch (error) {
          // One unreadable count must not fail the whole scrape; the last value stays.
          metrics.onActiveBlocksFailure?.(error);
        }
      },
    });
  }

  readActiveBlocksFrom(count: () => Promise<number>, onFailure: (error: unknown) => void): void {
    this.activeBlocks = count;
    this.onActiveBlocksFailure = onFailure;
  }
}
