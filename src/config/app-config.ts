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
 * The validated, typed configuration: a frozen object built from the `Environment` schema by
 * `loadAppConfig`. The abstract class is its type and its DI token; tests build one with
 * `loadConfiguration({...})` and swap it in with `overrideProvider(AppConfig)`.
 */
export abstract class AppConfig {
  abstract readonly nodeEnv: NodeEnv;
  abstract readonly http: {
    readonly port: number;
    readonly host: string;
    readonly corsOrigins: readonly string[];
    /** How many reverse proxies in front of us append to X-Forwarded-For (0: ignore it). */
    readonly trustedProxyHops: number;
    readonly requestTimeoutMs: number;
  };
  abstract readonly database: {
    /** Unset: the embedded PostgreSQL (PGlite) under `dataDir`. */
    readonly url?: string;
    readonly poolSize: number;
    readonly dataDir: string;
    readonly migrateOnBoot: boolean;
  };
  abstract readonly auth: {
    readonly jwtSecret: string;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
    readonly loginMaxFailures: number;
    readonly loginFailureWindowSeconds: number;
  };
  abstract readonly otp: {
    readonly hmacSecret: string;
    readonly length: number;
    readonly ttlSeconds: number;
    readonly maxAttempts: number;
    readonly resendCooldownSeconds: number;
    readonly maxSendsPerPhonePerHour: number;
    readonly maxSendsPerUserPerDay: number;
    readonly maxSendsPerIpPerHour: number;
    /** Upper-cased operator names; which names exist is the phone-verification module's check. */
    readonly allowedOperators: readonly string[];
    readonly retentionDays: number;
  };
  abstract readonly sms: {
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
  };
  abstract readonly redisUrl: string | undefined;
  abstract readonly logLevel: LogLevel;
  abstract readonly admin: {
    /** Lower-cased: a username is compared case-insensitively. */
    readonly usernames: readonly string[];
  };
  abstract readonly metrics: {
    /** Unset: /metrics is open, except in production (404). */
    readonly token?: string;
  };
  abstract readonly rateLimit: {
    /** register + login + refresh requests per client IP (IPv6: per /64) per minute. */
    readonly authPerIpPerMinute: number;
    readonly redisKeyPrefix: string;
    readonly redisTimeoutMs: number;
  };
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

/**
 * A rule across variables that belongs to a feature module (which operators exist, whether the
 * SMS fits): the composition root (src/configuration.ts) hands them in, so config/ itself imports
 * no feature. `invalid` names the variables the schema already refused.
 */
export type ConfigCheck = (env: Environment, invalid: ReadonlySet<string>) => ConfigProblem[];

/**
 * Validates raw environment variables with the schema, the service-wide rules and `checks`;
 * throws one ConfigurationError naming every bad variable.
 */
export function loadAppConfig(
  raw: Record<string, string | undefined>,
  checks: readonly ConfigCheck[] = [],
): AppConfig {
  const { environment: env, problems } = parseEnvironment(raw);
  const invalid = new Set(problems.map((p) => p.variable));
  for (const check of [requiredSecrets, ...checks]) problems.push(...check(env, invalid));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return deepFreeze(toAppConfig(env));
}

function requiredSecrets(env: Environment, invalid: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const missing = (name: 'JWT_SECRET' | 'OTP_HMAC_SECRET' | 'SPARROW_TOKEN' | 'SPARROW_FROM') =>
    !env[name] && !invalid.has(name);
  if (env.NODE_ENV === 'production') {
    for (const name of ['JWT_SECRET', 'OTP_HMAC_SECRET'] as const) {
      if (missing(name)) {
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
      if (missing(name)) {
        problems.push({ variable: name, problem: 'is required when SMS_GATEWAY=sparrow' });
      }
    }
  }
  return problems;
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A problem naming `variable`, with its (non-secret) value. */
export function problemWith(variable: string, problem: string, value: unknown): ConfigProblem {
  return { variable, problem: problem + describeValue(variable, value) };
}

function proxyHops(value: string): number {
  const lowered = value.toLowerCase();
  if (lowered === 'true') return 1;
  if (lowered === 'false') return 0;
  return Number(lowered);
}

function toAppConfig(env: Environment): AppConfig {
  return {
    nodeEnv: env.NODE_ENV,
    http: {
      port: env.PORT,
      host: env.HOST,
      corsOrigins: splitList(env.CORS_ORIGINS),
      trustedProxyHops: proxyHops(env.TRUST_PROXY),
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      dataDir: env.DATA_DIR,
      migrateOnBoot: env.DB_MIGRATE_ON_BOOT,
    },
    auth: {
      jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    otp: {
      hmacSecret: env.OTP_HMAC_SECRET ?? DEV_OTP_HMAC_SECRET,
      length: env.OTP_LENGTH,
      ttlSeconds: env.OTP_TTL_SECONDS,
      maxAttempts: env.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
      maxSendsPerPhonePerHour: env.OTP_MAX_SENDS_PER_PHONE_PER_HOUR,
      maxSendsPerUserPerDay: env.OTP_MAX_SENDS_PER_USER_PER_DAY,
      maxSendsPerIpPerHour: env.OTP_MAX_SENDS_PER_IP_PER_HOUR,
      allowedOperators: splitList(env.PHONE_ALLOWED_OPERATORS).map((o) => o.toUpperCase()),
      retentionDays: env.RETENTION_DAYS,
    },
    sms: {
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
    redisUrl: env.REDIS_URL,
    logLevel: env.LOG_LEVEL,
    admin: {
      usernames: splitList(env.ADMIN_USERNAMES).map((name) => name.toLowerCase()),
    },
    metrics: { token: env.METRICS_TOKEN },
    rateLimit: {
      authPerIpPerMinute: env.AUTH_RATE_LIMIT_PER_IP_PER_MINUTE,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      redisTimeoutMs: env.REDIS_TIMEOUT_MS,
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
