import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

/**
 * Every environment variable the service reads, with its default. This class is the schema:
 * `parseEnvironment` fills it from `process.env`-like input and reports every bad variable at once.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const SMS_GATEWAYS = ['console', 'sparrow'] as const;
export type SmsGatewayName = (typeof SMS_GATEWAYS)[number];

/** Strings that look like booleans become booleans; anything else stays a string and fails @IsBoolean. */
const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off'].includes(normalised)) return false;
  return value;
};

/** Integers written in decimal only: `"1e3"`, `"12abc"` and `" "` stay strings and fail @IsInt. */
const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const int = (min: number, max: number) => [
  Transform(toInteger),
  IsInt({ message: `must be a whole number from ${min} to ${max}` }),
  Min(min, { message: `must be a whole number from ${min} to ${max}` }),
  Max(max, { message: `must be a whole number from ${min} to ${max}` }),
];

const applyAll =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };

const WholeNumber = (min: number, max: number): PropertyDecorator => applyAll(int(min, max));

const Flag = (): PropertyDecorator =>
  applyAll([Transform(toBoolean), IsBoolean({ message: 'must be true or false' })]);

export class Environment {
  @IsIn(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  @WholeNumber(0, 65535)
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string = undefined;

  @WholeNumber(1, 200)
  DATABASE_POOL_SIZE = 10;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Flag()
  DB_MIGRATE_ON_BOOT = true;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string = undefined;

  @WholeNumber(60, 86_400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @WholeNumber(300, 31_536_000)
  JWT_REFRESH_TTL_SECONDS = 2_592_000;

  @WholeNumber(1, 1000)
  LOGIN_MAX_FAILURES = 10;

  @WholeNumber(1, 86_400)
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  OTP_HMAC_SECRET?: string = undefined;

  @IsIn(SMS_GATEWAYS, { message: `must be one of ${SMS_GATEWAYS.join(', ')}` })
  SMS_GATEWAY: SmsGatewayName = 'console';

  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an http(s) URL' },
  )
  SPARROW_BASE_URL = 'http://api.sparrowsms.com';

  @IsOptional()
  @IsString()
  @MinLength(1)
  SPARROW_TOKEN?: string = undefined;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(11, { message: 'must be at most 11 characters (Sparrow sender identity)' })
  SPARROW_FROM?: string = undefined;

  @WholeNumber(100, 60_000)
  SPARROW_TIMEOUT_MS = 5000;

  @WholeNumber(0, 10_000_000)
  SPARROW_CREDIT_WARN_THRESHOLD = 100;

  @IsString()
  @MinLength(1)
  @MaxLength(30)
  SMS_BRAND = 'Example';

  @IsOptional()
  @Matches(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/i,
    {
      message: 'must be a bare host name such as example.com (no scheme or path)',
    },
  )
  OTP_WEBOTP_DOMAIN?: string = undefined;

  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{11}$/, { message: 'must be the 11-character Android app hash' })
  OTP_ANDROID_APP_HASH?: string = undefined;

  @WholeNumber(4, 10)
  OTP_LENGTH = 6;

  @WholeNumber(60, 86_400)
  OTP_TTL_SECONDS = 600;

  @WholeNumber(1, 20)
  OTP_MAX_ATTEMPTS = 5;

  @WholeNumber(0, 3600)
  OTP_RESEND_COOLDOWN_SECONDS = 60;

  @WholeNumber(1, 1_000_000)
  OTP_MAX_SENDS_PER_PHONE_PER_HOUR = 5;

  @WholeNumber(1, 1_000_000)
  OTP_MAX_SENDS_PER_USER_PER_DAY = 10;

  @WholeNumber(1, 1_000_000)
  OTP_MAX_SENDS_PER_IP_PER_HOUR = 20;

  @WholeNumber(0, 100_000_000)
  SMS_DAILY_BUDGET = 1000;

  @Matches(/^\s*[A-Za-z]+\s*(,\s*[A-Za-z]+\s*)*$/, {
    message: 'must be a comma-separated list of NTC, NCELL, SMART, UTL',
  })
  PHONE_ALLOWED_OPERATORS = 'NTC,NCELL';

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string = undefined;

  @Matches(/^(true|false|\d{1,2})$/i, { message: 'must be true, false or a number of proxy hops' })
  TRUST_PROXY = 'false';

  @WholeNumber(1000, 600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string = undefined;

  /** Prepended to every Redis key, so several services or environments can share one Redis. */
  @Matches(/^[A-Za-z0-9:_.-]{0,64}$/, { message: 'must be up to 64 of A-Z a-z 0-9 : _ . -' })
  REDIS_KEY_PREFIX = 'phone-verify:';

  /**
   * A Redis command slower than this is abandoned and the request goes on unthrottled. Not much
   * lower: under a flood our own event loop lags, and a timeout then turns throttling off.
   */
  @WholeNumber(20, 10_000)
  REDIS_TIMEOUT_MS = 1000;

  /**
   * Requests to register, login and refresh (together) one client IP may make per minute, on
   * every instance together when REDIS_URL is set. IPv6 clients count per /64.
   */
  @WholeNumber(1, 1_000_000)
  AUTH_RATE_LIMIT_PER_IP_PER_MINUTE = 60;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @WholeNumber(1, 3650)
  RETENTION_DAYS = 30;
}

/** A variable and what is wrong with it. Values of secrets are never echoed. */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

const SECRET_VARIABLES = new Set([
  'JWT_SECRET',
  'OTP_HMAC_SECRET',
  'SPARROW_TOKEN',
  'DATABASE_URL',
  'REDIS_URL',
]);

export function describeValue(variable: string, value: unknown): string {
  if (SECRET_VARIABLES.has(variable)) return '';
  const shown = String(value);
  return ` (got "${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}")`;
}

/**
 * Turns raw variables into a typed `Environment`. Empty strings count as unset, so `PORT=` means
 * the default. Returns every schema problem rather than stopping at the first.
 */
export function parseEnvironment(raw: Record<string, string | undefined>): {
  environment: Environment;
  problems: ConfigProblem[];
} {
  const known = Object.keys(new Environment());
  const given: Record<string, string> = {};
  for (const name of known) {
    const value = raw[name];
    if (value !== undefined && value.trim() !== '') given[name] = value.trim();
  }
  const environment = plainToInstance(Environment, given, { exposeDefaultValues: true });
  const problems = validateSync(environment, { forbidUnknownValues: false }).map(
    (error: ValidationError): ConfigProblem => ({
      variable: error.property,
      problem: firstMessage(error) + describeValue(error.property, given[error.property]),
    }),
  );
  return { environment, problems };
}

function firstMessage(error: ValidationError): string {
  const messages = Object.values(error.constraints ?? {});
  return messages[messages.length - 1] ?? 'is invalid';
}
