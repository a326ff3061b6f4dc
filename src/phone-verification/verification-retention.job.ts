import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { PhoneVerificationRepository } from './phone-verification.repository';

/**
 * Deletes verifications older than RETENTION_DAYS. A plain idempotent DELETE, so every instance
 * may run it at the same moment.
 */
@Injectable()
export class VerificationRetentionJob {
  private readonly logger = new Logger(VerificationRetentionJob.name);

  constructor(
    private readonly verifications: PhoneVerificationRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'verification-retention', timeZone: 'UTC' })
  async run(): Promise<number> {
    const before = new Date(
      this.clock.now().getTime() - this.config.otp.retentionDays * 86_400_000,
    );
    const deleted = await this.verifications.deleteOlderThan(before);
    this.logger.log({ deleted, before: before.toISOString() }, 'old verifications deleted');
    return deleted;
  }
}
