import { CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import type { WithClientIp } from '../common/http/client-ip';
import { ipLimitSubject } from '../common/http/ip-keys';
import { AppConfig } from '../config/app-config';
import { RateLimitStore } from './rate-limit-store';
import { TooManyRequestsError } from './rate-limit.errors';

const WINDOW_MS = 60_000;

/**
 * Per-IP limit on the public auth routes (register, login, refresh share one count): each costs
 * an argon2 hash or a database write, so a flood from one address must not reach them. Runs
 * before the body is validated, so malformed requests count too.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  private readonly limit: number;

  constructor(
    private readonly store: RateLimitStore,
    config: AppConfig,
  ) {
    this.limit = config.rateLimit.authPerIpPerMinute;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { clientIp } = context.switchToHttp().getRequest<WithClientIp>();
    const window = await this.store.hit(`auth:${ipLimitSubject(clientIp)}`, WINDOW_MS);
    if (window && window.count > this.limit) {
      throw new TooManyRequestsError(Math.max(1, Math.ceil(window.resetInMs / 1000)));
    }
    return true;
  }
}

/** Puts a route under the per-IP auth limit (document its 429 with AUTH_RATE_LIMIT_PROBLEM). */
export const AuthRateLimit = (): MethodDecorator & ClassDecorator => UseGuards(AuthRateLimitGuard);

/** The 429 this limit answers, for `ApiProblemResponse(429, …)` next to a route's other 429s. */
export const AUTH_RATE_LIMIT_PROBLEM = {
  TOO_MANY_REQUESTS:
    'Too many register/login/refresh requests from this address (AUTH_RATE_LIMIT_PER_IP_PER_MINUTE); retry after Retry-After seconds.',
} as const;
