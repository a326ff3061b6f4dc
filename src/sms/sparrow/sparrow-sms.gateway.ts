import { HttpService } from '@nestjs/axios';
import { Logger, LoggerService } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../../common/clock';
import { maskPhone } from '../../common/logging/mask';
import { AppConfig } from '../../config/app-config';
import { SmsGateway, SmsMessage, SmsReceipt } from '../sms-gateway';
import { SmsRejectedError, SmsUnavailableError } from '../sms.errors';
import { sparrowCredentials, SparrowCredentials } from './sparrow-credentials';
import { adviceForSparrowCode } from './sparrow-refusals';
import {
  exchangeWithSparrow,
  SparrowExchange,
  sparrowResponseCode,
  sparrowText,
} from './sparrow-http';

const NEPAL_E164 = /^\+977(\d{10})$/;
// A refused connection is often a restarting load balancer: give it a moment before the one retry.
const RETRY_PAUSE_MS = 200;

/**
 * Sparrow SMS (Nepal): `POST {baseUrl}/v2/sms/` as a form. Accepted only on HTTP 200 with
 * `response_code` 200. A refusal is SmsRejectedError; no usable answer is SmsUnavailableError.
 * Sent again only when the connection could not be opened: once a request may have reached
 * Sparrow, a second one could deliver a duplicate SMS, which costs money and confuses the user.
 */
export class SparrowSmsGateway extends SmsGateway {
  readonly provider = 'sparrow';
  private readonly credentials: SparrowCredentials;

  constructor(
    private readonly http: HttpService,
    config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: LoggerService = new Logger(SparrowSmsGateway.name),
  ) {
    super();
    this.credentials = sparrowCredentials(config);
  }

  async send(message: SmsMessage): Promise<SmsReceipt> {
    const to = maskPhone(message.to);
    const national = NEPAL_E164.exec(message.to)?.[1];
    if (!national) {
      this.logger.warn({ provider: this.provider, to }, 'Sparrow only delivers to +977 numbers');
      throw new SmsRejectedError({ providerMessage: 'not a +977 number' });
    }
    const { token, from } = this.credentials;
    const form = new URLSearchParams({ token, from, to: national, text: message.text }).toString();

    let exchange = await this.post(form);
    if (exchange.kind === 'failed' && exchange.beforeSend) {
      this.logger.warn(
        { provider: this.provider, to, reason: exchange.reason },
        'Sparrow could not be reached before the request was sent; retrying once',
      );
      await sleep(RETRY_PAUSE_MS);
      exchange = await this.post(form);
    }
    return this.interpret(exchange, to, [
      token,
      message.text,
      national, // and the receiver and the code on their own, should Sparrow echo either
      ...(message.text.match(/\d{4,}/g) ?? []),
    ]);
  }

  private post(form: string): Promise<SparrowExchange> {
    const { baseUrl, timeoutMs } = this.credentials;
    return exchangeWithSparrow(
      this.http,
      {
        method: 'POST',
        url: `${baseUrl}/v2/sms/`,
        data: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      timeoutMs,
    );
  }

  private interpret(exchange: SparrowExchange, to: string, secrets: string[]): SmsReceipt {
    if (exchange.kind === 'failed') {
      throw this.unavailable(to, `Sparrow cannot be reached: ${exchange.reason}`);
    }
    const { httpStatus, json } = exchange;
    const code = sparrowResponseCode(json);
    if (httpStatus >= 500) {
      throw this.unavailable(to, `Sparrow answered HTTP ${httpStatus}`, code);
    }
    if (code === undefined) {
      throw this.unavailable(to, `Sparrow sent an unreadable answer (HTTP ${httpStatus})`);
    }
    const providerMessage = sparrowText(json?.response, secrets);
    if (httpStatus === 200 && code === 200) {
      const providerMessageId = sparrowText(json?.message_id ?? json?.id, secrets);
      this.logger.log(
        { provider: this.provider, to, providerMessageId },
        'SMS accepted by Sparrow',
      );
      return {
        provider: this.provider,
        providerMessageId,
        acceptedAt: this.clock.now(),
        providerCode: String(code),
        providerMessage,
      };
    }
    const { level, advice } = adviceForSparrowCode(code);
    const fields = { provider: this.provider, to, httpStatus, providerCode: code, providerMessage };
    if (level === 'warn') this.logger.warn(fields, `SMS refused: ${advice}`);
    else this.logger.error(fields, `SMS refused: ${advice}`);
    throw new SmsRejectedError({ providerCode: String(code), providerMessage });
  }

  private unavailable(to: string, reason: string, code?: number): SmsUnavailableError {
    this.logger.error({ provider: this.provider, to }, reason);
    return new SmsUnavailableError({
      providerCode: code === undefined ? undefined : String(code),
      providerMessage: reason,
    });
  }
}
