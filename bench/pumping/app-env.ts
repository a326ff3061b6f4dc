import { randomBytes } from 'node:crypto';
import { FRAUD_GUARD_OFF } from '../../test/support/fraud-guard-off';
import { SPARROW_FROM, SPARROW_TOKEN } from '../sms-inbox';
import type { GuardMode } from './settings';

/**
 * The app as a small production site runs it: every limit and every setting of the fraud guard
 * at its default, the real Sparrow adapter pointed at the fake server, and the client address
 * taken from X-Forwarded-For when the request comes from loopback (the simulation presents many
 * clients' addresses). Two things differ from the defaults: SMS_DAILY_BUDGET (PUMPING_SMS_DAILY_BUDGET,
 * so the run without the guard is not ended by the budget), and, for `off`, the guard's switches
 * as test/support/fraud-guard-off.ts sets them.
 */
export function pumpingAppEnv(options: {
  mode: GuardMode;
  databaseUrl: string;
  sparrowUrl: string;
  smsDailyBudget: number;
  jwtSecret: string;
  accessTtlSeconds: number;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    DB_MIGRATE_ON_BOOT: 'true',
    JWT_SECRET: options.jwtSecret,
    JWT_ACCESS_TTL_SECONDS: String(options.accessTtlSeconds),
    OTP_HMAC_SECRET: randomBytes(32).toString('base64url'),
    CHALLENGE_HMAC_SECRET: randomBytes(32).toString('base64url'),
    SMS_GATEWAY: 'sparrow',
    SPARROW_BASE_URL: options.sparrowUrl,
    SPARROW_TOKEN,
    SPARROW_FROM,
    TRUST_PROXY: 'loopback',
    SMS_DAILY_BUDGET: String(options.smsDailyBudget),
    ...(options.mode === 'off' ? FRAUD_GUARD_OFF : {}),
  };
}
