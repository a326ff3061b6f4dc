import { Logger, LoggerService } from '@nestjs/common';
import { maskPhone } from '../../../common/logging/mask';
import { GatewayExchange, GatewayHttp } from '../gateway-http';
import { gatewayText, nepalNationalNumber, secretsOf } from '../gateway-text';
import { SmsGateway, SmsMessage, SmsOutcome } from '../sms-gateway';
import { checkedAakashOptions, AakashOptions } from './aakash-options';
import { AAKASH_INVALID_NUMBER, aakashRefusal, AakashRefusal } from './aakash-refusals';

/**
 * Aakash SMS (Nepal), API v3: `POST {baseUrl}/sms/v3/send` as a form (`auth_token`, `to`, `text`).
 * Sent when `error` is false and the number is in `data.valid`; refused for the number when it is
 * in `data.invalid`, and for the message's reason on `error: true` (HTTP 200 or 4xx); 5xx, an
 * unreadable answer or a timeout once the request was written is unknown. One request per send.
 *
 * balance() stays undefined: the v3 API documents no credit endpoint. Third-party code calls a v1
 * `POST /sms/v1/credit`, but Aakash's own documentation of it could not be found.
 */
export class AakashGateway extends SmsGateway {
  readonly name = 'aakash';
  private readonly options: AakashOptions;

  constructor(
    private readonly http: GatewayHttp,
    options: AakashOptions,
    private readonly logger: LoggerService = new Logger(AakashGateway.name),
  ) {
    super();
    this.options = checkedAakashOptions(options);
  }

  async send(message: SmsMessage): Promise<SmsOutcome> {
    const to = maskPhone(message.to);
    try {
      const national = nepalNationalNumber(message.to);
      if (!national) {
        this.logger.warn({ gateway: this.name, to }, 'Aakash only delivers to +977 numbers');
        return { kind: 'refused', cause: 'number', providerMessage: 'not a +977 number' };
      }
      const { baseUrl, token, timeoutMs } = this.options;
      const exchange = await this.http.exchange(
        {
          method: 'POST',
          url: `${baseUrl}/sms/v3/send`,
          form: { auth_token: token, to: national, text: message.text },
        },
        timeoutMs,
      );
      return this.outcome(exchange, to, secretsOf(message, token));
    } catch {
      // Only a bug gets here, possibly after the request went out: count it as maybe sent.
      this.logger.error({ gateway: this.name, to }, 'The Aakash adapter failed unexpectedly');
      return { kind: 'unknown', reason: 'the Aakash adapter failed unexpectedly' };
    }
  }

  private outcome(exchange: GatewayExchange, to: string, secrets: string[]): SmsOutcome {
    if (exchange.kind === 'unreached') {
      const reason = `Aakash was not reached: ${exchange.reason}`;
      this.logger.warn({ gateway: this.name, to }, `${reason}; the SMS was not sent`);
      return { kind: 'unreached', reason };
    }
    if (exchange.kind === 'unknown') return this.unknown(to, exchange.reason);

    const { httpStatus, json } = exchange;
    const providerMessage = gatewayText(json.message, secrets);
    const data = isObject(json.data) ? json.data : {};
    const valid = Array.isArray(data.valid) ? data.valid.filter(isObject) : [];
    const invalid = Array.isArray(data.invalid) ? data.invalid.filter(isObject) : [];
    const answeredAs = httpStatus === 200 || (httpStatus >= 400 && httpStatus < 500);

    if (json.error === false && httpStatus >= 200 && httpStatus < 300 && valid.length > 0) {
      const [queued] = valid;
      const messageId = gatewayText(queued.id, secrets);
      const network = gatewayText(queued.network, secrets);
      this.logger.log({ gateway: this.name, to, messageId, network }, 'SMS accepted by Aakash');
      return { kind: 'sent', messageId, network, providerMessage };
    }
    if (answeredAs && invalid.length > 0 && valid.length === 0) {
      const status = gatewayText(invalid[0].status, secrets);
      return this.refused(to, httpStatus, AAKASH_INVALID_NUMBER, providerMessage ?? status);
    }
    if (answeredAs && json.error === true) {
      const message = typeof json.message === 'string' ? json.message : undefined;
      return this.refused(to, httpStatus, aakashRefusal(message), providerMessage);
    }
    return this.unknown(to, `an unexpected answer (HTTP ${httpStatus})`);
  }

  private refused(
    to: string,
    httpStatus: number,
    { cause, level, advice }: AakashRefusal,
    providerMessage: string | undefined,
  ): SmsOutcome {
    const fields = { gateway: this.name, to, httpStatus, providerMessage, cause };
    if (level === 'warn') this.logger.warn(fields, `SMS refused by Aakash: ${advice}`);
    else this.logger.error(fields, `SMS refused by Aakash: ${advice}`);
    return { kind: 'refused', cause, providerMessage };
  }

  private unknown(to: string, why: string): SmsOutcome {
    const reason = `Aakash gave no trustworthy answer: ${why}`;
    this.logger.error({ gateway: this.name, to }, `${reason}; the SMS may still arrive`);
    return { kind: 'unknown', reason };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
