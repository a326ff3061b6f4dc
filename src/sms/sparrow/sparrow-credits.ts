import { HttpService } from '@nestjs/axios';
import { Logger, LoggerService } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { adviceForSparrowCode } from './sparrow-refusals';
import { exchangeWithSparrow, sparrowResponseCode } from './sparrow-http';
import { SparrowCredentials, sparrowCredentials } from './sparrow-credentials';

export type SparrowCreditBalance =
  { status: 'up'; creditsAvailable: number } | { status: 'unknown' };

// Health probes come every few seconds; the balance moves slowly. Failures are cached too, so an
// unreachable Sparrow is not asked again on every probe.
export const CREDIT_CACHE_MS = 60_000;

/**
 * The Sparrow credit balance (`GET {baseUrl}/v2/credit/?token=…`), for the readiness report and a
 * low-balance warning. Never throws. The token travels in the query string, so the URL is never logged.
 */
export class SparrowCredits {
  private readonly credentials: SparrowCredentials;
  private readonly warnBelow: number;
  private cached?: { balance: SparrowCreditBalance; expiresAt: number };
  private inFlight?: Promise<SparrowCreditBalance>;

  constructor(
    private readonly http: HttpService,
    config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: LoggerService = new Logger(SparrowCredits.name),
  ) {
    this.credentials = sparrowCredentials(config);
    this.warnBelow = config.sms.sparrow.creditWarnThreshold;
  }

  /** The cached balance while fresh; otherwise one request shared by every concurrent caller. */
  balance(): Promise<SparrowCreditBalance> {
    if (this.cached && this.cached.expiresAt > this.clock.now().getTime()) {
      return Promise.resolve(this.cached.balance);
    }
    this.inFlight ??= this.fetch()
      .then((balance) => {
        this.cached = { balance, expiresAt: this.clock.now().getTime() + CREDIT_CACHE_MS };
        return balance;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async fetch(): Promise<SparrowCreditBalance> {
    const { baseUrl, token, timeoutMs } = this.credentials;
    const exchange = await exchangeWithSparrow(
      this.http,
      { method: 'GET', url: `${baseUrl}/v2/credit/`, params: { token } },
      timeoutMs,
    );
    if (exchange.kind === 'failed') {
      return this.unknown(`Sparrow cannot be reached: ${exchange.reason}`);
    }
    const { httpStatus, json } = exchange;
    const code = sparrowResponseCode(json);
    const credits = creditCount(json?.credits_available);
    if (httpStatus === 200 && (code === undefined || code === 200) && credits !== undefined) {
      if (credits < this.warnBelow) {
        this.logger.warn(
          { provider: 'sparrow', creditsAvailable: credits, warnBelow: this.warnBelow },
          'Sparrow credits are running low: top up in the Sparrow dashboard',
        );
      }
      return { status: 'up', creditsAvailable: credits };
    }
    if (httpStatus < 500 && code !== undefined && code !== 200) {
      return this.unknown(
        `Sparrow refused the credit query: ${adviceForSparrowCode(code).advice}`,
        code,
      );
    }
    return this.unknown(`Sparrow sent an unusable credit answer (HTTP ${httpStatus})`);
  }

  private unknown(reason: string, providerCode?: number): SparrowCreditBalance {
    this.logger.warn({ provider: 'sparrow', providerCode }, `Credit balance unknown: ${reason}`);
    return { status: 'unknown' };
  }
}

/** A number of credits, also when sent as a numeric string. */
function creditCount(value: unknown): number | undefined {
  const count = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof count === 'number' && Number.isFinite(count) && count >= 0 ? count : undefined;
}
