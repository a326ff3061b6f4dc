import { HttpService } from '@nestjs/axios';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ConsoleSmsGateway } from './console-sms.gateway';
import { SmsGateway } from './sms-gateway';
import { SparrowSmsGateway } from './sparrow/sparrow-sms.gateway';

/** The adapter named by SMS_GATEWAY. Chosen at module init, so tests can override SmsGateway. */
export function createSmsGateway(config: AppConfig, http: HttpService, clock: Clock): SmsGateway {
  const name = config.sms.gateway;
  switch (name) {
    case 'sparrow':
      return new SparrowSmsGateway(http, config, clock);
    case 'console':
      return new ConsoleSmsGateway(config.nodeEnv, clock);
    default: {
      const unknown: never = name;
      throw new Error(`Unknown SMS gateway ${String(unknown)}`);
    }
  }
}
