import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { ipLimitSubject } from '../../common/http/ip-keys';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/database';
import { TooManyLoginAttemptsError } from '../auth.errors';
import { LoginFailureRepository } from './login-failure.repository';
import {
  LoginThrottlePolicy,
  loginRetryAfterSeconds,
  throttleUsernameKey,
  usernameKeySecret,
  windowStart,
} from './login-throttle.policy';

// Namespace of the transaction-level advisory locks taken per username + IP.
const LOCK_LOGIN = 0x4c4f47; // "LOG"

/**
 * Failed logins per (lower-cased username, client IP subject: an IPv4 address or an IPv6 /64, as
 * ip-keys.ts gives it), counted in the database so every instance sees the same count. An attempt
 * is recorded as a failure before its password is checked (and forgotten if it was right), under
 * an advisory lock, so parallel guesses cannot all slip in below the limit.
 */
@Injectable()
export class LoginThrottle {
  private readonly policy: LoginThrottlePolicy;
  private readonly usernameKey: Buffer;

  constructor(
    private readonly db: Database,
    private readonly failures: LoginFailureRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.policy = {
      maxFailures: config.auth.loginMaxFailures,
      windowSeconds: config.auth.loginFailureWindowSeconds,
    };
    this.usernameKey = usernameKeySecret(config.otp.hmacSecret);
  }

  /**
   * Admits one login attempt and counts it as failed until `succeeded` is called.
   * @throws TooManyLoginAttemptsError (the refused attempt itself is not counted)
   */
  async admit(username: string, clientIp: string): Promise<void> {
    const usernameKey = throttleUsernameKey(username, this.usernameKey);
    const ipSubject = ipLimitSubject(clientIp);
    const lock = { namespace: LOCK_LOGIN, value: `${usernameKey} ${ipSubject}` };
    await this.db.transaction(
      async (transaction) => {
        const now = this.clock.now();
        const since = windowStart(now, this.policy);
        const recent = await this.failures.recent(
          transaction,
          usernameKey,
          ipSubject,
          since,
          this.policy.maxFailures,
        );
        const retryAfter = loginRetryAfterSeconds(recent, now, this.policy);
        if (retryAfter !== null) throw new TooManyLoginAttemptsError(retryAfter);
        await this.failures.insert(transaction, usernameKey, ipSubject, now);
      },
      [lock],
    );
  }

  /** A successful login wipes the slate for this username and IP subject. */
  succeeded(username: string, clientIp: string): Promise<void> {
    return this.failures.deleteFor(
      throttleUsernameKey(username, this.usernameKey),
      ipLimitSubject(clientIp),
    );
  }

  /** Failures that left the window no longer count. */
  deleteExpired(now: Date): Promise<number> {
    return this.failures.deleteUpTo(windowStart(now, this.policy));
  }
}
