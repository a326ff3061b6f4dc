import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { SmsDeliveryLog } from './sms-delivery-log';

/** Deletes delivery-log rows older than RETENTION_DAYS; idempotent, so every instance may run it at once. */
@Injectable()
export class DeliveryLogRetentionJob {
  private readonly logger = new Logger(DeliveryLogRetentionJob.name);

  constructor(
    private readonly deliveryLog: SmsDeliveryLog,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'sms-delivery-log-retention', timeZone: 'UTC' })
  async run(): Promise<number> {
    const before = new Date(
      this.clock.now().getTime() - this.config.otp.retentionDays * 86_400_000,
    );
    const deleted = await this.deliveryLog.deleteOlderThan(before);
    this.logger.log({ deleted, before: before.toISOString() }, 'old delivery-log rows deleted');
    return deleted;
  }
}
