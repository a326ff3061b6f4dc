import { Logger, LoggerService } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { maskPhone } from '../../../common/logging/mask';
import { GatewayExchange, GatewayHttp } from '../gateway-http';
import { gatewayText, nepalNationalNumber, secretsOf } from '../gateway-text';
import { SmsGateway, SmsMessage, SmsOutcome } from '../sms-gateway';
import { SparrowCredits } from './sparrow-credits';
import { checkedSparrowOptions, SparrowOptions } from './sparrow-options';
import { sparrowRefusal, sparrowResponseCode } from './sparrow-refusals';

/**
 * Sparrow SMS (Nepal): `POST {baseUrl}/v2/sms/` as a form. Sent only on HTTP 200 with
 * `response_code` 200; a refusal code on HTTP 200 or 4xx is refused; 5xx, an unreadable answer
 * or a timeout once the request was written is unknown. One request per send, never retried
 * here: whether to try again, here or elsewhere, is the routing's decision.
 */
export class SparrowGateway extends SmsGateway {
  readonly name = 'sparrow';
  private readonly options: SparrowOptions;
  private readonly credits: SparrowCredits;

  constructor(
    private readonly http: GatewayHttp,
    options: SparrowOptions,
    clock: Clock,
    private readonly logger: LoggerService = new Logger(SparrowGateway.name),
  ) {
    super();
    this.options = checkedSparrowOptions(options);
    this.credits = new SparrowCredits(http, this.options, clock, logger);
  }

  override balance(): Promise<number | undefined> {
    return this.credits.balance();
  }

  async send(message: SmsMessage): Promise<SmsOutcome> {
    const to = maskPhone(message.to);
    try {
      const national = nepalNationalNumber(message.to);
      if (!national) {
        this.logger.warn({ gateway: this.name, to }, 'Sparrow only delivers to +977 numbers');
        return { kind: 'refused', cause: 'number', providerMessage: 'not a +977 number' };
      }
      const { baseUrl, token, from, timeoutMs } = this.options;
      const exchange = await this.http.exchange(
        {
          method: 'POST',
          url: `${baseUrl}/v2/sms/`,
          form: { token, from, to: national, text: message.text },
        },
        timeoutMs,
      );
      return this.outcome(exchange, to, secretsOf(message, token));
    } catch {
      // Only a bug gets here, possibly after the request went out: count it as maybe sent.
      this.logger.error({ gateway: this.name, to }, 'The Sparrow adapter failed unexpectedly');
      return { kind: 'unknown', reason: 'the Sparrow adapter failed unexpectedly' };
    }
  }

  private outcome(exchange: GatewayExchange, to: string, secrets: string[]): SmsOutcome {
    if (exchange.kind === 'unreached') {
      const reason = `Sparrow was not reached: ${exchange.reason}`;
      this.logger.warn({ gateway: this.name, to }, `${reason}; the SMS was not sent`);
      return { kind: 'unreached', reason };
    }
    if (exchange.kind === 'unknown') {
      return this.unknown(to, exchange.reason, sparrowResponseCode(exchange.json));
    }
    const { httpStatus, json } = exchange;
    const code = sparrowResponseCode(json);
    if (code === undefined) {
      return this.unknown(to, `an answer without a response_code (HTTP ${httpStatus})`);
    }
    const providerCode = String(code);
    const providerMessage = gatewayText(json.response, secrets);
    if (httpStatus === 200 && code === 200) {
      const messageId = gatewayText(json.message_id ?? json.id, secrets);
      this.logger.log({ gateway: this.name, to, messageId }, 'SMS accepted by Sparrow');
      return { kind: 'sent', messageId, providerCode, providerMessage };
    }
    if (code !== 200 && (httpStatus === 200 || (httpStatus >= 400 && httpStatus < 500))) {
      const { cause, level, advice } = sparrowRefusal(code);
      const fields = { gateway: this.name, to, httpStatus, providerCode, providerMessage, cause };
      if (level === 'warn') this.logger.warn(fields, `SMS refused by Sparrow: ${advice}`);
      else this.logger.error(fields, `SMS refused by Sparrow: ${advice}`);
      return { kind: 'refused', cause, providerCode, providerMessage };
    }
    return this.unknown(
      to,
      `an unexpected answer (HTTP ${httpStatus}, response_code ${code})`,
      code,
    );
  }

  private unknown(to: string, why: string, code?: number): SmsOutcome {
    const reason = `Sparrow gave no trustworthy answer: ${why}`;
    const providerCode = code === undefined ? undefined : String(code);
    this.logger.error(
      { gateway: this.name, to, providerCode },
      `${reason}; the SMS may still arrive`,
    );
    return { kind: 'unknown', reason, providerCode };
  }
}
