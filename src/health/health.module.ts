import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SmsModule } from '../sms/sms.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), SmsModule],
  controllers: [HealthController],
})
export class HealthModule {}
