import { randomBytes } from 'node:crypto';
import { SPARROW_FROM, SPARROW_TOKEN } from './sms-inbox';

/**
 * The environment the benchmarked app runs with: production mode with explicit secrets, the
 * real Sparrow adapter pointed at the fake server on loopback, a client IP taken from
 * X-Forwarded-For (one trusted proxy hop, as behind a load balancer), and every send limit
 * raised far above what the run sends, so that a 429 means a bug and not a limit. The fraud guard
 * runs every query it makes on a send but is set never to find a risk: the benchmark's clients
 * never type a code back, which is what pumping looks like (`npm run simulate:pumping` measures
 * what the guard stops).
 */
export interface BenchAppEnv {
  readonly env: Record<string, string>;
  readonly jwtSecret: string;
  readonly accessTtlSeconds: number;
  readonly maxAttempts: number;
}

export function benchAppEnv(options: {
  databaseUrl: string;
  sparrowUrl: string;
  poolSize?: number;
  /** Long enough for every token the harness mints to outlive the run. */
  accessTtlSeconds: number;
}): BenchAppEnv {
  const jwtSecret = randomBytes(32).toString('base64url');
  const maxAttempts = 20;
  const env: Record<string, string> = {
    ...productionAppEnv({ ...options, jwtSecret }),
    TRUST_PROXY: 'true',
    // limits raised for the run
    OTP_MAX_ATTEMPTS: String(maxAttempts),
    OTP_TTL_SECONDS: '86400',
    OTP_RESEND_COOLDOWN_SECONDS: '0',
    OTP_MAX_SENDS_PER_PHONE_PER_HOUR: '1000000',
    OTP_MAX_SENDS_PER_USER_PER_DAY: '1000000',
    OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000000',
    SMS_DAILY_BUDGET: '100000000',
    SMS_BUDGET_MAX_SHARE_PER_NETWORK: '1',
    // the fraud guard runs its queries (FRAUD_CHALLENGE=risky) but never finds a risk: the run
    // sends to thousands of numbers from one network and none converts
    FRAUD_CHALLENGE: 'risky',
    FRAUD_MIN_CONVERSION: '0',
    FRAUD_PREFIX_MIN_SENDS: '1000000',
    FRAUD_NETWORK_ACCOUNTS_PER_HOUR: '1000000',
  };
  if (options.poolSize !== undefined) env.DATABASE_POOL_SIZE = String(options.poolSize);
  return { env, jwtSecret, accessTtlSeconds: options.accessTtlSeconds, maxAttempts };
}

/**
 * What every harness run gives the app: production mode, migrations at boot, fresh secrets (the
 * JWT secret is the caller's: it mints the tokens), the real Sparrow adapter on the fake server.
 */
export interface ProductionAppOptions {
  databaseUrl: string;
  sparrowUrl: string;
  jwtSecret: string;
  accessTtlSeconds: number;
}

export function productionAppEnv(options: ProductionAppOptions): Record<string, string> {
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
  };
}

/** The app environment as it may be printed or saved: secrets replaced. */
export function printableEnv(env: Record<string, string>): Record<string, string> {
  const secret = /SECRET|TOKEN|PASSWORD/;
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, secret.test(key) ? '[set]' : value]),
  );
}
