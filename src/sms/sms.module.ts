import { HttpModule, HttpService } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SmsGateway } from './sms-gateway';
import { createSmsGateway } from './sms-gateway.factory';

@Module({
  // An axios instance of our own, so interceptors registered elsewhere never see Sparrow requests.
  imports: [HttpModule.register({})],
  providers: [
    {
      provide: SmsGateway,
      inject: [AppConfig, HttpService, Clock],
      useFactory: createSmsGateway,
    },
  ],
  exports: [SmsGateway],
})
export class SmsModule {}
