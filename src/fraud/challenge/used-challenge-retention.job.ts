import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../../common/clock';
import { UsedChallengeRepository } from './used-challenge.repository';

/** Hourly, in UTC: a spent challenge past its expiry can never be presented again; forget it. */
@Injectable()
export class UsedChallengeRetentionJob {
  private readonly logger = new Logger(UsedChallengeRetentionJob.name);

  constructor(
    private readonly used: UsedChallengeRepository,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'used-challenge-retention', timeZone: 'UTC' })
  async run(): Promise<number> {
    const deleted = await this.used.deleteExpired(this.clock.now());
    this.logger.log({ deleted }, 'expired spent challenges deleted');
    return deleted;
  }
}
