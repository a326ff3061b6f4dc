import { Logger, LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { maskPhone } from '../common/logging/mask';
import { NodeEnv } from '../config/environment';
import { SmsGateway, SmsMessage, SmsReceipt } from './sms-gateway';

/**
 * The development default: sends nothing and logs the whole message, so a newcomer sees the code
 * in the terminal. The only place allowed to log a code, hence refused in production even if
 * config validation were bypassed.
 */
export class ConsoleSmsGateway extends SmsGateway {
  readonly provider = 'console';

  constructor(
    nodeEnv: NodeEnv,
    private readonly clock: Clock,
    private readonly logger: LoggerService = new Logger(ConsoleSmsGateway.name),
  ) {
    super();
    if (nodeEnv === 'production') {
      throw new Error(
        'The console SMS gateway logs one-time codes and is refused when NODE_ENV=production; set SMS_GATEWAY=sparrow',
      );
    }
  }

  send(message: SmsMessage): Promise<SmsReceipt> {
    const to = maskPhone(message.to);
    this.logger.log(
      { provider: this.provider, to },
      `SMS to ${to} (console gateway, not sent):\n${message.text}`,
    );
    return Promise.resolve({
      provider: this.provider,
      providerMessageId: randomUUID(),
      acceptedAt: this.clock.now(),
    });
  }
}
