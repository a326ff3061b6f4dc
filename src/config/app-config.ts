import {
  isMobileOperator,
  MobileOperator,
} from '../phone-verification/phone-number/mobile-operators';
import { otpMessageProblems } from '../sms/otp-message';
import {
  ConfigProblem,
  describeValue,
  Environment,
  LogLevel,
  NodeEnv,
  parseEnvironment,
  SmsGatewayName,
} from './environment';

/** Secrets that only a development or test process may fall back to. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-do-not-use-in-production!';
export const DEV_OTP_HMAC_SECRET = 'dev-only-otp-hmac-secret-do-not-use-in-production!';

/**
 * The validated, typed configuration. Injected by class (it is its own DI token); tests build one
 * with `loadAppConfig({...})` and swap it in with `overrideProvider(AppConfig)`.
 */
export class AppConfig {
  constructor(
    readonly nodeEnv: NodeEnv,
    readonly http: {
      readonly port: number;
      readonly host: string;
      readonly corsOrigins: readonly string[];
      /** How many reverse proxies in front of us append to X-Forwarded-For (0: ignore it). */
      readonly trustedProxyHops: number;
      readonly requestTimeoutMs: number;
    },
    readonly database: {
      /** Unset: the embedded PostgreSQL (PGlite) under `dataDir`. */
      readonly url?: string;
      readonly poolSize: number;
      readonly dataDir: string;
      readonly migrateOnBoot: boolean;
    },
    readonly auth: {
      readonly jwtSecret: string;
      readonly accessTtlSeconds: number;
      readonly refreshTtlSeconds: number;
      readonly loginMaxFailures: number;
      readonly loginFailureWindowSeconds: number;
    },
    readonly otp: {
      readonly hmacSecret: string;
      readonly length: number;
      readonly ttlSeconds: number;
      readonly maxAttempts: number;
      readonly resendCooldownSeconds: number;
      readonly maxSendsPerPhonePerHour: number;
      readonly maxSendsPerUserPerDay: number;
      readonly maxSendsPerIpPerHour: number;
      readonly allowedOperators: readonly MobileOperator[];
      readonly retentionDays: number;
    },
    readonly sms: {
      readonly gateway: SmsGatewayName;
      readonly dailyBudget: number;
      readonly brand: string;
      readonly webOtpDomain?: string;
      readonly androidAppHash?: string;
      readonly sparrow: {
        readonly baseUrl: string;
        readonly token?: string;
        readonly from?: string;
        readonly timeoutMs: number;
        readonly creditWarnThreshold: number;
      };
    },
    readonly redisUrl: string | undefined,
    readonly logLevel: LogLevel,
    readonly rateLimit: {
      /** register + login + refresh requests per client IP (IPv6: per /64) per minute. */
      readonly authPerIpPerMinute: number;
      readonly redisKeyPrefix: string;
      readonly redisTimeoutMs: number;
    },
  ) {}
}

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigurationError';
  }
}

/** Validates raw environment variables; throws one ConfigurationError naming every bad variable. */
export function loadAppConfig(raw: Record<string, string | undefined>): AppConfig {
  const { environment: env, problems } = parseEnvironment(raw);
  problems.push(...crossFieldProblems(env, problems));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return toAppConfig(env);
}

function crossFieldProblems(env: Environment, already: ConfigProblem[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const bad = new Set(already.map((p) => p.variable));
  const production = env.NODE_ENV === 'production';
  if (production) {
    for (const name of ['JWT_SECRET', 'OTP_HMAC_SECRET'] as const) {
      if (!env[name] && !bad.has(name)) {
        problems.push({ variable: name, problem: 'is required when NODE_ENV=production' });
      }
    }
    if (env.SMS_GATEWAY === 'console') {
      problems.push({
        variable: 'SMS_GATEWAY',
        problem: 'must be "sparrow" when NODE_ENV=production (the console gateway only logs codes)',
      });
    }
  }
  if (env.SMS_GATEWAY === 'sparrow') {
    for (const name of ['SPARROW_TOKEN', 'SPARROW_FROM'] as const) {
      if (!env[name] && !bad.has(name)) {
        problems.push({ variable: name, problem: 'is required when SMS_GATEWAY=sparrow' });
      }
    }
  }
  const operators = splitList(env.PHONE_ALLOWED_OPERATORS).map((o) => o.toUpperCase());
  const unknown = operators.filter((o) => !isMobileOperator(o));
  if (!bad.has('PHONE_ALLOWED_OPERATORS') && (unknown.length > 0 || operators.length === 0)) {
    problems.push({
      variable: 'PHONE_ALLOWED_OPERATORS',
      problem: `must list operators from NTC, NCELL, SMART, UTL${describeValue('PHONE_ALLOWED_OPERATORS', env.PHONE_ALLOWED_OPERATORS)}`,
    });
  }
  const messageInputs = ['SMS_BRAND', 'OTP_LENGTH', 'OTP_WEBOTP_DOMAIN', 'OTP_ANDROID_APP_HASH'];
  if (!messageInputs.some((name) => bad.has(name))) {
    const messageProblems = otpMessageProblems(env.OTP_LENGTH, {
      brand: env.SMS_BRAND,
      ttlSeconds: env.OTP_TTL_SECONDS,
      webOtpDomain: env.OTP_WEBOTP_DOMAIN,
      androidAppHash: env.OTP_ANDROID_APP_HASH,
    });
    for (const problem of messageProblems) problems.push({ variable: 'SMS_BRAND', problem });
  }
  return problems;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function proxyHops(value: string): number {
  const lowered = value.toLowerCase();
  if (lowered === 'true') return 1;
  if (lowered === 'false') return 0;
  return Number(lowered);
}

function toAppConfig(env: Environment): AppConfig {
  return new AppConfig(
    env.NODE_ENV,
    {
      port: env.PORT,
      host: env.HOST,
      corsOrigins: splitList(env.CORS_ORIGINS),
      trustedProxyHops: proxyHops(env.TRUST_PROXY),
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    },
    {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      dataDir: env.DATA_DIR,
      migrateOnBoot: env.DB_MIGRATE_ON_BOOT,
    },
    {
      jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    {
      hmacSecret: env.OTP_HMAC_SECRET ?? DEV_OTP_HMAC_SECRET,
      length: env.OTP_LENGTH,
      ttlSeconds: env.OTP_TTL_SECONDS,
      maxAttempts: env.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
      maxSendsPerPhonePerHour: env.OTP_MAX_SENDS_PER_PHONE_PER_HOUR,
      maxSendsPerUserPerDay: env.OTP_MAX_SENDS_PER_USER_PER_DAY,
      maxSendsPerIpPerHour: env.OTP_MAX_SENDS_PER_IP_PER_HOUR,
      allowedOperators: splitList(env.PHONE_ALLOWED_OPERATORS)
        .map((o) => o.toUpperCase())
        .filter(isMobileOperator),
      retentionDays: env.RETENTION_DAYS,
    },
    {
      gateway: env.SMS_GATEWAY,
      dailyBudget: env.SMS_DAILY_BUDGET,
      brand: env.SMS_BRAND,
      webOtpDomain: env.OTP_WEBOTP_DOMAIN,
      androidAppHash: env.OTP_ANDROID_APP_HASH,
      sparrow: {
        baseUrl: env.SPARROW_BASE_URL.replace(/\/+$/, ''),
        token: env.SPARROW_TOKEN,
        from: env.SPARROW_FROM,
        timeoutMs: env.SPARROW_TIMEOUT_MS,
        creditWarnThreshold: env.SPARROW_CREDIT_WARN_THRESHOLD,
      },
    },
    env.REDIS_URL,
    env.LOG_LEVEL,
    {
      authPerIpPerMinute: env.AUTH_RATE_LIMIT_PER_IP_PER_MINUTE,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      redisTimeoutMs: env.REDIS_TIMEOUT_MS,
    },
  );
}
