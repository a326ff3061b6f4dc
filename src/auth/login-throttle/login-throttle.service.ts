import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { TooManyLoginAttemptsError } from '../auth.errors';
import { LoginFailure } from './login-failure.entity';
import {
  LoginThrottlePolicy,
  loginRetryAfterSeconds,
  throttleUsernameKey,
  windowStart,
} from './login-throttle.policy';

// Namespace of the transaction-level advisory locks taken per username + IP.
const ADVISORY_LOCK_CLASS = 0x4c4f47; // "LOG"

/**
 * Failed logins per (lower-cased username, client IP), counted in the database so every instance
 * sees the same count. An attempt is recorded as a failure before its password is checked (and
 * forgotten if it was right), under an advisory lock, so parallel guesses cannot all slip in
 * below the limit.
 */
@Injectable()
export class LoginThrottle {
  private readonly policy: LoginThrottlePolicy;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.policy = {
      maxFailures: config.auth.loginMaxFailures,
      windowSeconds: config.auth.loginFailureWindowSeconds,
    };
  }

  /**
   * Admits one login attempt and counts it as failed until `succeeded` is called.
   * @throws TooManyLoginAttemptsError (the refused attempt itself is not counted)
   */
  async admit(username: string, clientIp: string): Promise<void> {
    const usernameKey = throttleUsernameKey(username);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        ADVISORY_LOCK_CLASS,
        `${usernameKey} ${clientIp}`,
      ]);
      const now = this.clock.now();
      const recent = await manager
        .createQueryBuilder(LoginFailure, 'f')
        .select('f.failedAt')
        .where('f.usernameKey = :usernameKey AND f.clientIp = :clientIp', { usernameKey, clientIp })
        .andWhere('f.failedAt > :since', { since: windowStart(now, this.policy) })
        .orderBy('f.failedAt', 'DESC')
        .limit(this.policy.maxFailures)
        .getMany();
      const retryAfter = loginRetryAfterSeconds(
        recent.map((failure) => failure.failedAt),
        now,
        this.policy,
      );
      if (retryAfter !== null) throw new TooManyLoginAttemptsError(retryAfter);
      await manager.insert(LoginFailure, { usernameKey, clientIp, failedAt: now });
    });
  }

  /** A successful login wipes the slate for this username and IP. */
  async succeeded(username: string, clientIp: string): Promise<void> {
    await this.dataSource.manager.delete(LoginFailure, {
      usernameKey: throttleUsernameKey(username),
      clientIp,
    });
  }

  /** Failures that left the window no longer count. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(LoginFailure)
      .where('failed_at <= :since', { since: windowStart(now, this.policy) })
      .execute();
    return result.affected ?? 0;
  }
}
