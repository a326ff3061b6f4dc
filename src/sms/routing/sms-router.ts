import { Logger, LoggerService } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { maskPhone } from '../../common/logging/mask';
import type { Statement } from '../../database/database';
import { MetricsService } from '../../metrics/metrics.service';
import { SmsAttempt, SmsDeliveryLog } from '../delivery-log/sms-delivery-log';
import { SmsGateway, SmsOutcome } from '../gateways/sms-gateway';
import { CircuitBreaker, CircuitState } from './circuit-breaker';
import { TestNumbers } from './test-numbers';

/** The gateway name a test number's SMS is logged under: none was asked. */
export const TEST_GATEWAY = 'test';

export interface RouterSettings {
  readonly failureThreshold: number;
  readonly openSeconds: number;
  /** A gateway whose last credit balance is below this is tried last. */
  readonly lowCredits: number;
  /** Each use of a test number is a warning (production allowed them explicitly). */
  readonly warnOnTestNumbers: boolean;
}

/** One reserved send: its pending delivery-log row and the message. */
export interface SmsSend {
  readonly smsId: string;
  /** E.164. */
  readonly to: string;
  readonly text: string;
  /** The number's mobile operator, for the metrics. */
  readonly operator: string | null;
  /**
   * The caller's statement for an SMS that went out or may have (sent, unknown), with a
   * RETURNING list: written in the same statement as the delivery log's record of it, so both
   * land or neither does, in one round trip, committed without waiting for the disk (see
   * SmsMessageRepository.markDelivered): its loss in a database crash must be safe. Its rows come
   * back as `SmsDelivery.deliveredRows`.
   */
  readonly onDelivered?: Statement;
}

/** How a send ended: the last gateway's outcome, and the log row that records it. */
export interface SmsDelivery {
  readonly outcome: SmsOutcome;
  readonly gateway: string;
  readonly smsId: string;
  /** The rows of `SmsSend.onDelivered` when the SMS went out or may have (none without one). */
  readonly deliveredRows?: readonly Record<string, unknown>[];
}

/** What an operator sees of one gateway (GET /v1/admin/gateways). */
export interface GatewayHealth {
  gateway: string;
  circuit: CircuitState;
  lastOutcome: SmsOutcome['kind'] | null;
  lastOutcomeAt: string | null;
  lastLatencyMs: number | null;
  credits: number | null;
}

interface GatewayState {
  readonly gateway: SmsGateway;
  readonly circuit: CircuitBreaker;
  lastOutcome: SmsOutcome['kind'] | null;
  lastOutcomeAt: Date | null;
  lastLatencyMs: number | null;
  credits: number | null;
  creditsCheckedAt: number;
  creditsInFlight: boolean;
  lastCircuit: CircuitState;
}

/** A gateway a send may go to now, and its place in the order tried. */
interface Acquired {
  readonly state: GatewayState;
  readonly index: number;
}

// Credit balances move slowly; the gateways cache theirs for as long too.
const CREDIT_REFRESH_MS = 60_000;

/**
 * The routing in front of the gateway adapters: tries the configured gateways in order, skipping
 * an open circuit without a request and a low-credit gateway until the others were tried; after
 * an account refusal or a not-reached outcome the same SMS goes to the next gateway; never after
 * an unknown outcome (two SMS could arrive) or a refusal of the number. Every attempt is written
 * to the delivery log. Test numbers never reach a gateway.
 */
export class SmsRouter {
  private readonly states: readonly GatewayState[];

  constructor(
    gateways: readonly SmsGateway[],
    private readonly deliveryLog: SmsDeliveryLog,
    private readonly testNumbers: TestNumbers,
    private readonly settings: RouterSettings,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
    private readonly logger: LoggerService = new Logger(SmsRouter.name),
  ) {
    if (gateways.length === 0) throw new Error('SmsRouter needs at least one gateway');
    this.states = gateways.map((gateway) => ({
      gateway,
      circuit: new CircuitBreaker({
        failureThreshold: settings.failureThreshold,
        openMs: settings.openSeconds * 1000,
      }),
      lastOutcome: null,
      lastOutcomeAt: null,
      lastLatencyMs: null,
      credits: null,
      creditsCheckedAt: -Infinity,
      creditsInFlight: false,
      lastCircuit: 'closed',
    }));
  }

  /** A test number's fixed code, or undefined for a real number. */
  testCodeFor(to: string): string | undefined {
    return this.testNumbers.codeFor(to);
  }

  /** The gateway a send to `to` would try first now: the name its reservation is logged under. */
  firstChoice(to: string): string {
    if (this.testNumbers.codeFor(to) !== undefined) return TEST_GATEWAY;
    const now = this.clock.now().getTime();
    const open = this.ordered().find((state) => state.circuit.state(now) !== 'open');
    return (open ?? this.states[0]).gateway.name;
  }

  async deliver(send: SmsSend): Promise<SmsDelivery> {
    if (this.testNumbers.codeFor(send.to) !== undefined) return this.deliverToTestNumber(send);
    const candidates = this.ordered();
    let smsId = send.smsId;
    const first = this.acquire(candidates, 0);
    if (!first) {
      const outcome: SmsOutcome = {
        kind: 'unreached',
        reason: 'every gateway is paused after repeated failures (circuit open)',
      };
      const gateway = candidates[0].gateway.name;
      this.logger.error({ to: maskPhone(send.to) }, `SMS not sent: ${describe(outcome)}`);
      await this.deliveryLog.recordFailed(smsId, {
        gateway,
        outcome,
        latencyMs: 0,
        at: this.clock.now(),
      });
      return { outcome, gateway, smsId };
    }
    let current: Acquired = first;
    for (;;) {
      const attempt = await this.attempt(current.state, send);
      const delivery = { outcome: attempt.outcome, gateway: attempt.gateway, smsId };
      const next: Acquired | null = failsOver(attempt.outcome)
        ? this.acquire(candidates, current.index + 1)
        : null;
      if (!next) {
        const deliveredRows = await this.record(smsId, attempt, send.onDelivered);
        return { ...delivery, deliveredRows };
      }
      this.logger.warn(
        { gateway: attempt.gateway, next: next.state.gateway.name, to: maskPhone(send.to) },
        `${attempt.gateway} did not take the SMS (${describe(attempt.outcome)}); trying ${next.state.gateway.name}`,
      );
      const nextId = await this.deliveryLog.failOver(smsId, attempt, next.state.gateway.name);
      if (nextId === null) return delivery; // the row was settled elsewhere: stop here
      smsId = nextId;
      current = next;
    }
  }

  /** Each gateway's circuit, last outcome, latency and credit balance, in configured order. */
  async health(): Promise<GatewayHealth[]> {
    const now = this.clock.now().getTime();
    return Promise.all(
      this.states.map(async (state) => ({
        gateway: state.gateway.name,
        circuit: state.circuit.state(now),
        lastOutcome: state.lastOutcome,
        lastOutcomeAt: state.lastOutcomeAt?.toISOString() ?? null,
        lastLatencyMs: state.lastLatencyMs,
        credits: (await state.gateway.balance()) ?? state.credits,
      })),
    );
  }

  /**
   * The gateways in configured order, those with a low last-known balance moved to the end
   * (their balances are refreshed in the background when stale, never on the send's path).
   */
  private ordered(): GatewayState[] {
    for (const state of this.states) this.refreshCreditsIfStale(state);
    const low = (state: GatewayState) =>
      state.credits !== null && state.credits < this.settings.lowCredits;
    return [...this.states.filter((s) => !low(s)), ...this.states.filter(low)];
  }

  /**
   * The first gateway from `from` on whose circuit lets a send through now (taking the probe of
   * a half-open one), or null when every remaining circuit is open.
   */
  private acquire(candidates: readonly GatewayState[], from: number): Acquired | null {
    const now = this.clock.now().getTime();
    for (let index = from; index < candidates.length; index += 1) {
      if (candidates[index].circuit.tryAcquire(now)) return { state: candidates[index], index };
    }
    return null;
  }

  private async attempt(state: GatewayState, send: SmsSend): Promise<SmsAttempt> {
    const started = performance.now();
    const outcome = await state.gateway.send({ to: send.to, text: send.text });
    const latencyMs = performance.now() - started;
    const at = this.clock.now();
    this.metrics.smsAttempt(state.gateway.name, send.operator, outcome.kind, latencyMs / 1000);
    if (countsAsFailure(outcome)) state.circuit.recordFailure(at.getTime());
    else state.circuit.recordSuccess();
    this.noteOutcome(state, outcome, latencyMs, at);
    return { gateway: state.gateway.name, outcome, latencyMs, at };
  }

  /** The attempt in the delivery log; for a delivered SMS, with `onDelivered` and its rows. */
  private async record(
    smsId: string,
    attempt: SmsAttempt,
    onDelivered: Statement | undefined,
  ): Promise<readonly Record<string, unknown>[] | undefined> {
    const { outcome } = attempt;
    if (outcome.kind === 'sent' || outcome.kind === 'unknown') {
      return this.deliveryLog.recordDelivered(smsId, { ...attempt, outcome }, onDelivered);
    }
    await this.deliveryLog.recordFailed(smsId, attempt);
    return undefined;
  }

  private async deliverToTestNumber(send: SmsSend): Promise<SmsDelivery> {
    const fields = { gateway: TEST_GATEWAY, to: maskPhone(send.to) };
    const note = 'SMS to a test number (TEST_PHONE_NUMBERS): no gateway asked, its code is fixed';
    if (this.settings.warnOnTestNumbers) this.logger.warn(fields, note);
    else this.logger.log(fields, note);
    const outcome: SmsOutcome = { kind: 'sent' };
    this.metrics.smsAttempt(TEST_GATEWAY, send.operator, 'sent', 0);
    const deliveredRows = await this.deliveryLog.recordDelivered(
      send.smsId,
      { gateway: TEST_GATEWAY, outcome: { kind: 'sent' }, latencyMs: 0, at: this.clock.now() },
      send.onDelivered,
    );
    return { outcome, gateway: TEST_GATEWAY, smsId: send.smsId, deliveredRows };
  }

  /** Keeps what an operator sees, and logs a gateway's state when it changes. */
  private noteOutcome(state: GatewayState, outcome: SmsOutcome, latencyMs: number, at: Date): void {
    const name = state.gateway.name;
    if (state.lastOutcome !== outcome.kind) {
      const fields = { gateway: name, outcome: outcome.kind, latencyMs: Math.round(latencyMs) };
      if (outcome.kind === 'sent') this.logger.log(fields, `${name}: sending again`);
      else this.logger.warn(fields, `${name}: ${describe(outcome)}`);
    }
    state.lastOutcome = outcome.kind;
    state.lastOutcomeAt = at;
    state.lastLatencyMs = Math.round(latencyMs);
    const circuit = state.circuit.state(at.getTime());
    if (circuit !== state.lastCircuit) {
      if (circuit === 'closed')
        this.logger.log({ gateway: name, circuit }, `${name}: circuit closed`);
      else {
        this.logger.error(
          { gateway: name, circuit, pausedSeconds: this.settings.openSeconds },
          `${name}: circuit open after repeated failures; skipped for ${this.settings.openSeconds} s, then probed`,
        );
      }
      state.lastCircuit = circuit;
    }
  }

  private refreshCreditsIfStale(state: GatewayState): void {
    const now = this.clock.now().getTime();
    if (state.creditsInFlight || now - state.creditsCheckedAt < CREDIT_REFRESH_MS) return;
    state.creditsInFlight = true;
    state.creditsCheckedAt = now;
    state.gateway
      .balance()
      .then((credits) => this.noteCredits(state, credits ?? null))
      .catch(() => undefined) // balance() never rejects; a broken adapter must not either
      .finally(() => {
        state.creditsInFlight = false;
      });
  }

  private noteCredits(state: GatewayState, credits: number | null): void {
    if (credits !== null) this.metrics.gatewayCredits(state.gateway.name, credits);
    const wasLow = state.credits !== null && state.credits < this.settings.lowCredits;
    const isLow = credits !== null && credits < this.settings.lowCredits;
    if (isLow !== wasLow) {
      const fields = { gateway: state.gateway.name, credits, lowBelow: this.settings.lowCredits };
      if (isLow) {
        this.logger.warn(fields, `${state.gateway.name}: credits low; tried after the others`);
      } else this.logger.log(fields, `${state.gateway.name}: credits back above the threshold`);
    }
    state.credits = credits;
  }
}

/** An outcome after which the same SMS may go to another gateway: nothing can have arrived. */
function failsOver(outcome: SmsOutcome): boolean {
  return (
    outcome.kind === 'unreached' || (outcome.kind === 'refused' && outcome.cause === 'account')
  );
}

/** What the circuit counts against a gateway: it is down, or its account is. */
function countsAsFailure(outcome: SmsOutcome): boolean {
  return outcome.kind === 'unknown' || failsOver(outcome);
}

function describe(outcome: SmsOutcome): string {
  switch (outcome.kind) {
    case 'sent':
      return 'sent';
    case 'refused':
      return `refused (${outcome.cause})`;
    case 'unreached':
      return `not reached: ${outcome.reason}`;
    case 'unknown':
      return `outcome unknown: ${outcome.reason}`;
  }
}
