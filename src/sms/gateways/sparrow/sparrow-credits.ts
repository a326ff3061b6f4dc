import { Logger, LoggerService } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { GatewayHttp } from '../gateway-http';
import { SparrowOptions } from './sparrow-options';
import { sparrowRefusal, sparrowResponseCode } from './sparrow-refusals';

// The balance moves slowly and is asked for often (readiness, gateway order). Failures are cached
// too, so an unreachable Sparrow is not asked again on every call.
export const CREDIT_CACHE_MS = 60_000;

/**
 * The Sparrow credit balance (`GET {baseUrl}/v2/credit/?token=…`). Never rejects: undefined when
 * Sparrow does not tell it. The token travels in the query string, so the URL is never logged.
 */
export class SparrowCredits {
  private cached?: { balance: number | undefined; expiresAt: number };
  private inFlight?: Promise<number | undefined>;

  constructor(
    private readonly http: GatewayHttp,
    private readonly options: SparrowOptions,
    private readonly clock: Clock,
    private readonly logger: LoggerService = new Logger(SparrowCredits.name),
  ) {}

  /** The cached balance while fresh; otherwise one request shared by every concurrent caller. */
  balance(): Promise<number | undefined> {
    if (this.cached && this.cached.expiresAt > this.clock.now().getTime()) {
      return Promise.resolve(this.cached.balance);
    }
    this.inFlight ??= this.fetch()
      // fetch() already turns every failure into undefined; this only guards "never rejects".
      .catch((): undefined => undefined)
      .then((balance) => {
        this.cached = { balance, expiresAt: this.clock.now().getTime() + CREDIT_CACHE_MS };
        return balance;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async fetch(): Promise<number | undefined> {
    const { baseUrl, token, timeoutMs, creditWarnBelow } = this.options;
    const exchange = await this.http.exchange(
      { method: 'GET', url: `${baseUrl}/v2/credit/`, query: { token } },
      timeoutMs,
    );
    if (exchange.kind === 'unreached') {
      return this.unknown(`Sparrow was not reached: ${exchange.reason}`);
    }
    if (exchange.kind === 'unknown') {
      return this.unknown(`Sparrow gave no usable credit answer: ${exchange.reason}`);
    }
    const { httpStatus, json } = exchange;
    const code = sparrowResponseCode(json);
    const credits = creditCount(json.credits_available);
    if (httpStatus === 200 && (code === undefined || code === 200) && credits !== undefined) {
      if (creditWarnBelow !== undefined && credits < creditWarnBelow) {
        this.logger.warn(
          { gateway: 'sparrow', creditsAvailable: credits, warnBelow: creditWarnBelow },
          'Sparrow credits are running low: top up in the Sparrow dashboard',
        );
      }
      return credits;
    }
    if (code !== undefined && code !== 200) {
      return this.unknown(`Sparrow refused the credit query: ${sparrowRefusal(code).advice}`, code);
    }
    return this.unknown(`Sparrow gave no usable credit answer (HTTP ${httpStatus})`);
  }

  private unknown(reason: string, providerCode?: number): undefined {
    this.logger.warn({ gateway: 'sparrow', providerCode }, `Credit balance unknown: ${reason}`);
    return undefined;
  }
}

/** A number of credits, also when sent as a numeric string. */
function creditCount(value: unknown): number | undefined {
  const count = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof count === 'number' && Number.isFinite(count) && count >= 0 ? count : undefined;
}
