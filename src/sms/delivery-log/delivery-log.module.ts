import { Module } from '@nestjs/common';
import { DeliveryLogRetentionJob } from './delivery-log-retention.job';
import { DeliveryStatistics } from './delivery-statistics';
import { SmsDeliveryLog } from './sms-delivery-log';
import { SmsMessageRepository } from './sms-message.repository';

/** The sms_messages delivery log and the daily budget, which the send limits are counted from. */
@Module({
  providers: [SmsMessageRepository, SmsDeliveryLog, DeliveryLogRetentionJob, DeliveryStatistics],
  exports: [SmsDeliveryLog, DeliveryStatistics],
})
export class DeliveryLogModule {}
