import { Logger, LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { maskPhone } from '../../../common/logging/mask';
import { NodeEnv } from '../../../config/environment';
import { SmsGateway, SmsMessage, SmsOutcome } from '../sms-gateway';

/**
 * The development default: sends nothing and logs the whole message, so a newcomer sees the code
 * in the terminal. The only place allowed to log a code, hence refused in production even if
 * config validation were bypassed.
 */
export class ConsoleGateway extends SmsGateway {
  readonly name = 'console';

  constructor(
    nodeEnv: NodeEnv,
    private readonly logger: LoggerService = new Logger(ConsoleGateway.name),
  ) {
    super();
    if (nodeEnv === 'production') {
      throw new Error(
        'The console SMS gateway logs one-time codes and is refused when NODE_ENV=production; set SMS_GATEWAY to a real gateway',
      );
    }
  }

  send(message: SmsMessage): Promise<SmsOutcome> {
    const to = maskPhone(message.to);
    this.logger.log(
      { gateway: this.name, to },
      `SMS to ${to} (console gateway, not sent):\n${message.text}`,
    );
    return Promise.resolve({ kind: 'sent', messageId: randomUUID() });
  }
}
