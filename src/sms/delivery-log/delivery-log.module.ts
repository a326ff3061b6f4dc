import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveryLogRetentionJob } from './delivery-log-retention.job';
import { SmsDailyUsage } from './sms-daily-usage.entity';
import { SmsDeliveryLog } from './sms-delivery-log';
import { SmsMessage } from './sms-message.entity';

/** The sms_messages delivery log and the daily budget, which the send limits are counted from. */
@Module({
  imports: [TypeOrmModule.forFeature([SmsMessage, SmsDailyUsage])],
  providers: [SmsDeliveryLog, DeliveryLogRetentionJob],
  exports: [SmsDeliveryLog],
})
export class DeliveryLogModule {}
