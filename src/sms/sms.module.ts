import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { DeliveryLogModule } from './delivery-log/delivery-log.module';
import { SmsDeliveryLog } from './delivery-log/sms-delivery-log';
import { AakashGateway } from './gateways/aakash/aakash.gateway';
import { ConsoleGateway } from './gateways/console/console.gateway';
import { GatewayHttp } from './gateways/gateway-http';
import { SmsGateway } from './gateways/sms-gateway';
import { SparrowGateway } from './gateways/sparrow/sparrow.gateway';
import { OtpSms } from './otp-sms';
import { SmsRouter } from './routing/sms-router';
import { TestNumbers } from './routing/test-numbers';

/** The configured gateway adapters, in the order a send tries them. Tests replace this provider. */
export class SmsGateways {
  constructor(readonly list: readonly SmsGateway[]) {}
}

function createGateways(config: AppConfig, http: GatewayHttp, clock: Clock): SmsGateways {
  const { sparrow, aakash, creditWarnThreshold } = config.sms;
  return new SmsGateways(
    config.sms.gateways.map((name): SmsGateway => {
      switch (name) {
        case 'sparrow':
          return new SparrowGateway(
            http,
            {
              baseUrl: sparrow.baseUrl,
              token: sparrow.token ?? '',
              from: sparrow.from ?? '',
              timeoutMs: sparrow.timeoutMs,
              creditWarnBelow: creditWarnThreshold,
            },
            clock,
          );
        case 'aakash':
          return new AakashGateway(http, {
            baseUrl: aakash.baseUrl,
            token: aakash.token ?? '',
            timeoutMs: aakash.timeoutMs,
          });
        case 'console':
          return new ConsoleGateway(config.nodeEnv);
      }
    }),
  );
}

function createRouter(
  gateways: SmsGateways,
  deliveryLog: SmsDeliveryLog,
  config: AppConfig,
  metrics: MetricsService,
  clock: Clock,
): SmsRouter {
  const { testNumbers, problems } = TestNumbers.parse(config.sms.testNumbers, config.otp.length);
  if (problems.length > 0) throw new Error(`TEST_PHONE_NUMBERS: ${problems.join('; ')}`);
  return new SmsRouter(
    gateways.list,
    deliveryLog,
    testNumbers,
    {
      failureThreshold: config.sms.failureThreshold,
      openSeconds: config.sms.openSeconds,
      lowCredits: config.sms.creditWarnThreshold,
      warnOnTestNumbers: config.nodeEnv === 'production',
    },
    metrics,
    clock,
  );
}

/** Closes the gateways' kept-alive connections at shutdown. */
@Injectable()
class GatewayConnections implements OnApplicationShutdown {
  constructor(private readonly http: GatewayHttp) {}

  onApplicationShutdown(): void {
    this.http.close();
  }
}

/**
 * Sending SMS: the adapters (gateways/), the routing in front of them (routing/), the message
 * texts (message/) and the delivery log. The send path uses SmsRouter and OtpSms.
 */
@Module({
  imports: [DeliveryLogModule],
  providers: [
    { provide: GatewayHttp, useFactory: () => new GatewayHttp() },
    GatewayConnections,
    { provide: SmsGateways, inject: [AppConfig, GatewayHttp, Clock], useFactory: createGateways },
    {
      provide: SmsRouter,
      inject: [SmsGateways, SmsDeliveryLog, AppConfig, MetricsService, Clock],
      useFactory: createRouter,
    },
    OtpSms,
  ],
  exports: [SmsRouter, OtpSms, DeliveryLogModule],
})
export class SmsModule {}
