import { HttpModule, HttpService } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SmsGateway } from './sms-gateway';
import { createSmsGateway } from './sms-gateway.factory';
import { SmsReadiness } from './sms-readiness';
import { SparrowCredits } from './sparrow/sparrow-credits';

@Module({
  // An axios instance of our own, so interceptors registered elsewhere never see Sparrow requests.
  imports: [HttpModule.register({})],
  providers: [
    {
      provide: SmsGateway,
      inject: [AppConfig, HttpService, Clock],
      useFactory: createSmsGateway,
    },
    {
      provide: SmsReadiness,
      inject: [AppConfig, HttpService, Clock],
      useFactory: (config: AppConfig, http: HttpService, clock: Clock) =>
        new SmsReadiness(
          config.sms.gateway === 'sparrow' ? new SparrowCredits(http, config, clock) : undefined,
        ),
    },
  ],
  exports: [SmsGateway, SmsReadiness],
})
export class SmsModule {}
