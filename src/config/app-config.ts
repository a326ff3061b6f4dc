import { parseTrustProxy, TrustProxy } from '../common/http/trusted-proxies';
import {
  ConfigProblem,
  describeValue,
  Environment,
  FraudChallengeMode,
  LogLevel,
  NodeEnv,
  parseEnvironment,
  SMS_GATEWAYS,
  SmsGatewayName,
  SmsLocale,
} from './environment';

/** Secrets that only a development or test process may fall back to. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-do-not-use-in-production!';
export const DEV_OTP_HMAC_SECRET = 'dev-only-otp-hmac-secret-do-not-use-in-production!';
export const DEV_CHALLENGE_HMAC_SECRET = 'dev-only-challenge-secret-do-not-use-in-production!';

/** SHUTDOWN_DRAIN_SECONDS when unset in production: a few probe periods of a load balancer. */
export const PRODUCTION_DRAIN_SECONDS = 5;

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
    /** Who may set the client IP through X-Forwarded-For (`TRUST_PROXY`). */
    readonly trustProxy: TrustProxy;
    readonly requestTimeoutMs: number;
    /** On SIGTERM, how long readiness answers 503 before the server stops accepting. */
    readonly shutdownDrainSeconds: number;
    /** Serve /docs and /docs-json. */
    readonly docsEnabled: boolean;
    /** Serve the sign-up page at / and its static files. */
    readonly signUpPageEnabled: boolean;
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
    /** During a rotation: still accepted when verifying an access token, never used to sign. */
    readonly previousJwtSecret?: string;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
    readonly loginMaxFailures: number;
    readonly loginFailureWindowSeconds: number;
  };
  abstract readonly otp: {
    readonly hmacSecret: string;
    /** During a rotation: a code stored under it still verifies; new codes never use it. */
    readonly previousHmacSecret?: string;
    readonly length: number;
    readonly ttlSeconds: number;
    readonly maxAttempts: number;
    readonly resendCooldownSeconds: number;
    /** Per requesting account: others cannot use it up to lock a person out of their number. */
    readonly maxSendsPerPhonePerHour: number;
    /** From every account together, per UTC day. */
    readonly maxSmsPerPhonePerDay: number;
    readonly maxSendsPerUserPerDay: number;
    readonly maxSendsPerIpPerHour: number;
    /** Upper-cased operator names; which names exist is the phone-verification module's check. */
    readonly allowedOperators: readonly string[];
    readonly retentionDays: number;
  };
  abstract readonly sms: {
    /** In the order a send tries them; `console` only ever alone. */
    readonly gateways: readonly SmsGatewayName[];
    readonly failureThreshold: number;
    readonly openSeconds: number;
    /** A gateway whose last credit balance is below this is tried last. */
    readonly creditWarnThreshold: number;
    readonly dailyBudget: number;
    readonly brand: string;
    readonly webOtpDomain?: string;
    readonly androidAppHash?: string;
    readonly defaultLocale: SmsLocale;
    /** Overrides of the built-in texts. */
    readonly templates: Readonly<Partial<Record<SmsLocale, string>>>;
    /** TEST_PHONE_NUMBERS as given; the sms module parses and checks it. */
    readonly testNumbers?: string;
    readonly allowTestNumbersInProduction: boolean;
    readonly sparrow: {
      readonly baseUrl: string;
      readonly token?: string;
      readonly from?: string;
      readonly timeoutMs: number;
    };
    readonly aakash: {
      readonly baseUrl: string;
      readonly token?: string;
      readonly timeoutMs: number;
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
  abstract readonly fraud: {
    readonly prefixMinSends: number;
    readonly minConversion: number;
    readonly blockSeconds: number;
    readonly challenge: FraudChallengeMode;
    readonly networkAccountsPerHour: number;
    readonly challengeSecret: string;
    readonly challengeTtlSeconds: number;
    /**
     * SMS one client network may send per UTC day: its share of the daily budget; Infinity when
     * the share is the whole budget (the budget's own refusal answers then).
     */
    readonly smsPerNetworkPerDay: number;
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
  for (const check of [requiredSecrets, gatewayRules, trustProxyProblems, ...checks]) {
    problems.push(...check(env, invalid));
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return deepFreeze(toAppConfig(env));
}

function requiredSecrets(env: Environment, invalid: ReadonlySet<string>): ConfigProblem[] {
  // The development secrets are published in this repository: a service that sends real SMS is
  // a real deployment, whatever NODE_ENV says, and must not sign tokens with them.
  const needed =
    env.NODE_ENV === 'production'
      ? 'when NODE_ENV=production'
      : realSmsGateways(env).length > 0
        ? `with a real SMS gateway (SMS_GATEWAY=${env.SMS_GATEWAY})`
        : undefined;
  if (!needed) return [];
  return (['JWT_SECRET', 'OTP_HMAC_SECRET', 'CHALLENGE_HMAC_SECRET'] as const)
    .filter((name) => !env[name] && !invalid.has(name))
    .map((name) => ({ variable: name, problem: `is required ${needed}` }));
}

/** SMS_GATEWAY's list, and each named gateway's credentials. */
function gatewayRules(env: Environment, invalid: ReadonlySet<string>): ConfigProblem[] {
  if (invalid.has('SMS_GATEWAY')) return [];
  const names = gatewayList(env.SMS_GATEWAY);
  const unknown = names.filter((name) => !(SMS_GATEWAYS as readonly string[]).includes(name));
  if (unknown.length > 0 || new Set(names).size !== names.length) {
    return [
      problemWith(
        'SMS_GATEWAY',
        `must name each of ${SMS_GATEWAYS.join(', ')} at most once`,
        env.SMS_GATEWAY,
      ),
    ];
  }
  if (names.includes('console') && names.length > 1) {
    return [{ variable: 'SMS_GATEWAY', problem: 'names "console", which only works alone' }];
  }
  if (names.includes('console') && env.NODE_ENV === 'production') {
    return [
      {
        variable: 'SMS_GATEWAY',
        problem:
          'must name real gateways (sparrow, aakash) when NODE_ENV=production (the console gateway only logs codes)',
      },
    ];
  }
  const required: Record<string, readonly ('SPARROW_TOKEN' | 'SPARROW_FROM' | 'AAKASH_TOKEN')[]> = {
    sparrow: ['SPARROW_TOKEN', 'SPARROW_FROM'],
    aakash: ['AAKASH_TOKEN'],
  };
  return names.flatMap((gateway) =>
    (required[gateway] ?? [])
      .filter((name) => !env[name] && !invalid.has(name))
      .map((name) => ({
        variable: name,
        problem: `is required when SMS_GATEWAY names ${gateway}`,
      })),
  );
}

function gatewayList(value: string): string[] {
  return splitList(value).map((name) => name.toLowerCase());
}

/**
 * The gateways of SMS_GATEWAY that send real SMS: every one but `console`. Read as a list, so the
 * rule holds for `sparrow,aakash` too, and for a value the schema refused (then every name in it
 * counts as real: better a secret too many than a deployment on the published ones).
 */
function realSmsGateways(env: Environment): string[] {
  return gatewayList(env.SMS_GATEWAY).filter((name) => name !== 'console');
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

function trustProxyProblems(env: Environment, invalid: ReadonlySet<string>): ConfigProblem[] {
  if (invalid.has('TRUST_PROXY')) return [];
  const parsed = parseTrustProxy(env.TRUST_PROXY);
  return 'problem' in parsed ? [problemWith('TRUST_PROXY', parsed.problem, env.TRUST_PROXY)] : [];
}

function trustProxyOf(value: string): TrustProxy {
  const parsed = parseTrustProxy(value);
  if ('problem' in parsed) throw new Error(`TRUST_PROXY ${parsed.problem}`); // checked above
  return parsed.trust;
}

function toAppConfig(env: Environment): AppConfig {
  return {
    nodeEnv: env.NODE_ENV,
    http: {
      port: env.PORT,
      host: env.HOST,
      corsOrigins: splitList(env.CORS_ORIGINS),
      trustProxy: trustProxyOf(env.TRUST_PROXY),
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      shutdownDrainSeconds:
        env.SHUTDOWN_DRAIN_SECONDS ??
        (env.NODE_ENV === 'production' ? PRODUCTION_DRAIN_SECONDS : 0),
      docsEnabled: env.DOCS_ENABLED,
      signUpPageEnabled: env.SIGNUP_PAGE_ENABLED,
    },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      dataDir: env.DATA_DIR,
      migrateOnBoot: env.DB_MIGRATE_ON_BOOT,
    },
    auth: {
      jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
      previousJwtSecret: env.JWT_SECRET_PREVIOUS,
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
    },
    otp: {
      hmacSecret: env.OTP_HMAC_SECRET ?? DEV_OTP_HMAC_SECRET,
      previousHmacSecret: env.OTP_HMAC_SECRET_PREVIOUS,
      length: env.OTP_LENGTH,
      ttlSeconds: env.OTP_TTL_SECONDS,
      maxAttempts: env.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
      maxSendsPerPhonePerHour: env.OTP_MAX_SENDS_PER_PHONE_PER_HOUR,
      maxSmsPerPhonePerDay: env.OTP_MAX_SMS_PER_PHONE_PER_DAY,
      maxSendsPerUserPerDay: env.OTP_MAX_SENDS_PER_USER_PER_DAY,
      maxSendsPerIpPerHour: env.OTP_MAX_SENDS_PER_IP_PER_HOUR,
      allowedOperators: splitList(env.PHONE_ALLOWED_OPERATORS).map((o) => o.toUpperCase()),
      retentionDays: env.RETENTION_DAYS,
    },
    sms: {
      gateways: gatewayList(env.SMS_GATEWAY) as SmsGatewayName[], // checked by gatewayRules
      failureThreshold: env.SMS_GATEWAY_FAILURE_THRESHOLD,
      openSeconds: env.SMS_GATEWAY_OPEN_SECONDS,
      creditWarnThreshold: env.SPARROW_CREDIT_WARN_THRESHOLD,
      dailyBudget: env.SMS_DAILY_BUDGET,
      brand: env.SMS_BRAND,
      webOtpDomain: env.OTP_WEBOTP_DOMAIN,
      androidAppHash: env.OTP_ANDROID_APP_HASH,
      defaultLocale: env.SMS_DEFAULT_LOCALE,
      templates: { en: env.SMS_TEMPLATE_EN, ne: env.SMS_TEMPLATE_NE },
      testNumbers: env.TEST_PHONE_NUMBERS,
      allowTestNumbersInProduction: env.ALLOW_TEST_PHONE_NUMBERS_IN_PRODUCTION,
      sparrow: {
        baseUrl: env.SPARROW_BASE_URL.replace(/\/+$/, ''),
        token: env.SPARROW_TOKEN,
        from: env.SPARROW_FROM,
        timeoutMs: env.SPARROW_TIMEOUT_MS,
      },
      aakash: {
        baseUrl: env.AAKASH_BASE_URL.replace(/\/+$/, ''),
        token: env.AAKASH_TOKEN,
        timeoutMs: env.AAKASH_TIMEOUT_MS,
      },
    },
    redisUrl: env.REDIS_URL,
    logLevel: env.LOG_LEVEL,
    admin: {
      usernames: splitList(env.ADMIN_USERNAMES).map((name) => name.toLowerCase()),
    },
    metrics: { token: env.METRICS_TOKEN },
    fraud: {
      prefixMinSends: env.FRAUD_PREFIX_MIN_SENDS,
      minConversion: env.FRAUD_MIN_CONVERSION,
      blockSeconds: env.FRAUD_BLOCK_SECONDS,
      challenge: env.FRAUD_CHALLENGE,
      networkAccountsPerHour: env.FRAUD_NETWORK_ACCOUNTS_PER_HOUR,
      challengeSecret: env.CHALLENGE_HMAC_SECRET ?? DEV_CHALLENGE_HMAC_SECRET,
      challengeTtlSeconds: env.CHALLENGE_TTL_SECONDS,
      smsPerNetworkPerDay:
        env.SMS_BUDGET_MAX_SHARE_PER_NETWORK >= 1
          ? Number.POSITIVE_INFINITY
          : Math.floor(env.SMS_DAILY_BUDGET * env.SMS_BUDGET_MAX_SHARE_PER_NETWORK),
    },
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
