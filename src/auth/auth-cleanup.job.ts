import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { LoginThrottle } from './login-throttle/login-throttle.service';
import { RefreshTokensService } from './refresh-tokens/refresh-tokens.service';

/**
 * Daily: deletes refresh tokens that can no longer be used and failed logins that no longer
 * count. Plain idempotent DELETEs, so every instance may run it at the same moment.
 */
@Injectable()
export class AuthCleanupJob {
  private readonly logger = new Logger(AuthCleanupJob.name);

  constructor(
    private readonly clock: Clock,
    private readonly refreshTokens: RefreshTokensService,
    private readonly throttle: LoginThrottle,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'auth-cleanup', timeZone: 'UTC' })
  async run(): Promise<void> {
    const now = this.clock.now();
    try {
      const refreshTokens = await this.refreshTokens.deleteStale(now);
      const loginFailures = await this.throttle.deleteExpired(now);
      this.logger.log({ refreshTokens, loginFailures }, 'auth clean-up done');
    } catch (error) {
      this.logger.error({ err: error }, 'auth clean-up failed; the next run retries');
    }
  }
}
