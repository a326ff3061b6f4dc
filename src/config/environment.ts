import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
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
 * Every environment variable the service reads. This class is the one source for each
 * variable's name, default (the initialiser), validation (the class-validator decorators),
 * description and secret flag (`@Variable`): `parseEnvironment` fills it from `process.env`-like
 * input, and docs/configuration.md is generated from it (`npm run docs:config`).
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** The SMS gateways SMS_GATEWAY can name (`console` only alone). */
export const SMS_GATEWAYS = ['sparrow', 'aakash', 'console'] as const;
export type SmsGatewayName = (typeof SMS_GATEWAYS)[number];

/** The languages the SMS and the sign-up page speak. */
export const SMS_LOCALES = ['en', 'ne'] as const;
export type SmsLocale = (typeof SMS_LOCALES)[number];

/** What the generated documentation says about one variable. */
export interface VariableDescription {
  /** One or two sentences for an operator. */
  readonly description: string;
  /** Its value is never echoed in an error message or a log line. */
  readonly secret?: boolean;
  /** The default as the docs should state it, when the initialiser alone would mislead. */
  readonly defaultText?: string;
}

const DESCRIPTIONS = new Map<string, VariableDescription>();

/** Documents a variable of the schema; every field of `Environment` carries one. */
function Variable(description: VariableDescription): PropertyDecorator {
  return (_target, key) => {
    DESCRIPTIONS.set(String(key), description);
  };
}

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

const applyAll =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };

const WholeNumber = (min: number, max: number): PropertyDecorator => {
  const message = `must be a whole number from ${min} to ${max}`;
  return applyAll([
    Transform(toInteger),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
  ]);
};

const Flag = (): PropertyDecorator =>
  applyAll([Transform(toBoolean), IsBoolean({ message: 'must be true or false' })]);

/** A share from 0 to 1 written in decimal (`0.2`, `.1`, `1`). */
const toDecimal = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(value.trim())
    ? Number(value.trim())
    : value;

const Share = (): PropertyDecorator => {
  const message = 'must be a decimal from 0 to 1, e.g. 0.2';
  return applyAll([
    Transform(toDecimal),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message }),
    Min(0, { message }),
    Max(1, { message }),
  ]);
};

export const FRAUD_CHALLENGE_MODES = ['never', 'risky', 'always'] as const;
export type FraudChallengeMode = (typeof FRAUD_CHALLENGE_MODES)[number];

const Secret = (): PropertyDecorator =>
  applyAll([
    IsOptional(),
    IsString(),
    MinLength(32, { message: 'must be at least 32 characters' }),
  ]);

export class Environment {
  @Variable({
    description:
      'In `production`, every secret is required and the `console` SMS gateway is refused. With any gateway but `console`, the secrets are required whatever this says.',
  })
  @IsIn(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  @Variable({ description: 'HTTP port.' })
  @WholeNumber(0, 65535)
  PORT = 3000;

  @Variable({
    description:
      'Address to listen on. Behind a reverse proxy on the same machine, `127.0.0.1` keeps clients from reaching the port directly.',
  })
  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @Variable({
    description:
      '`postgres://user:password@host:5432/db` of a PostgreSQL server. Unset: the embedded PostgreSQL (PGlite) under `DATA_DIR`, for development.',
    secret: true,
  })
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string = undefined;

  @Variable({ description: 'Connections each instance keeps to PostgreSQL.' })
  @WholeNumber(1, 200)
  DATABASE_POOL_SIZE = 10;

  @Variable({
    description: 'Where the embedded database keeps its files (without `DATABASE_URL`).',
  })
  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Variable({
    description:
      'Apply pending migrations at start-up, under a lock so instances starting together take turns.',
  })
  @Flag()
  DB_MIGRATE_ON_BOOT = true;

  @Variable({
    description:
      'Signs access tokens (HS256); at least 32 characters. Required in production and with any SMS gateway but `console`; unset otherwise (development), a published development value is used.',
    secret: true,
  })
  @Secret()
  JWT_SECRET?: string = undefined;

  @Variable({
    description:
      'During a rotation, the secret `JWT_SECRET` had before: access tokens it signed are still accepted until they expire; new tokens are signed with `JWT_SECRET` only. At least 32 characters; unset it once `JWT_ACCESS_TTL_SECONDS` have passed since every instance runs the new secret.',
    secret: true,
  })
  @Secret()
  JWT_SECRET_PREVIOUS?: string = undefined;

  @Variable({ description: 'Lifetime of an access token, in seconds.' })
  @WholeNumber(60, 86_400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Variable({ description: 'Lifetime of a refresh token (a session), in seconds.' })
  @WholeNumber(300, 31_536_000)
  JWT_REFRESH_TTL_SECONDS = 2_592_000;

  @Variable({
    description: 'Failed logins per username and client IP before logins are refused for a while.',
  })
  @WholeNumber(1, 1000)
  LOGIN_MAX_FAILURES = 10;

  @Variable({ description: 'The window in which failed logins count, in seconds.' })
  @WholeNumber(1, 86_400)
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  @Variable({
    description:
      "Key of the HMAC under which codes are stored (and, derived from it, the login throttle's username keys); at least 32 characters. Required in production and with any SMS gateway but `console`.",
    secret: true,
  })
  @Secret()
  OTP_HMAC_SECRET?: string = undefined;

  @Variable({
    description:
      'During a rotation, the secret `OTP_HMAC_SECRET` had before: a code stored under it still verifies; new codes are stored under `OTP_HMAC_SECRET` only. At least 32 characters; unset it once `OTP_TTL_SECONDS` have passed since every instance runs the new secret.',
    secret: true,
  })
  @Secret()
  OTP_HMAC_SECRET_PREVIOUS?: string = undefined;

  @Variable({
    description:
      'Ordered, comma-separated gateways: `sparrow`, `aakash` (a send fails over to the next after an account refusal or when a gateway is not reached), or `console` alone (logs each SMS; development only).',
  })
  @Matches(/^\s*[a-z]+\s*(,\s*[a-z]+\s*){0,4}$/i, {
    message: `must be a comma-separated list of ${SMS_GATEWAYS.join(', ')}`,
  })
  SMS_GATEWAY = 'console';

  @Variable({
    description:
      "Consecutive failures (account refusal, not reached, unknown outcome) that open a gateway's circuit.",
  })
  @WholeNumber(1, 1000)
  SMS_GATEWAY_FAILURE_THRESHOLD = 5;

  @Variable({
    description:
      'Seconds an open circuit skips its gateway without a request; then one send probes it.',
  })
  @WholeNumber(1, 86_400)
  SMS_GATEWAY_OPEN_SECONDS = 30;

  @Variable({
    description:
      'Base URL of the Sparrow SMS API. In production it must be `https://`, or plain `http://` only to this machine (127.0.0.0/8, `::1`, `localhost`): the token and every code travel in each request.',
  })
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an http(s) URL' },
  )
  SPARROW_BASE_URL = 'https://api.sparrowsms.com';

  @Variable({
    description: 'Sparrow API token; required with `SMS_GATEWAY=sparrow`.',
    secret: true,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  SPARROW_TOKEN?: string = undefined;

  @Variable({
    description: 'Sender identity Sparrow shows; required with `SMS_GATEWAY=sparrow`.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(11, { message: 'must be at most 11 characters (Sparrow sender identity)' })
  SPARROW_FROM?: string = undefined;

  @Variable({ description: 'Longest a request to Sparrow may take, in milliseconds.' })
  @WholeNumber(100, 60_000)
  SPARROW_TIMEOUT_MS = 5000;

  @Variable({
    description:
      'A gateway whose last credit balance is below this is tried last, and a warning is logged.',
  })
  @WholeNumber(0, 10_000_000)
  SPARROW_CREDIT_WARN_THRESHOLD = 100;

  @Variable({
    description:
      'Base URL of the Aakash SMS API; in production `https://`, or plain `http://` only to this machine, as for `SPARROW_BASE_URL`.',
  })
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an http(s) URL' },
  )
  AAKASH_BASE_URL = 'https://sms.aakashsms.com';

  @Variable({
    description: 'Aakash SMS auth token; required when SMS_GATEWAY names `aakash`.',
    secret: true,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  AAKASH_TOKEN?: string = undefined;

  @Variable({ description: 'Longest a request to Aakash may take, in milliseconds.' })
  @WholeNumber(100, 60_000)
  AAKASH_TIMEOUT_MS = 5000;

  @Variable({
    description:
      'Numbers that never reach a gateway and whose code is fixed, for QA and app-store review: `9800000001:123456,9800000002:654321`.',
    secret: true,
  })
  @IsOptional()
  @Matches(/^\s*[^\s:,]+\s*:\s*\d+\s*(,\s*[^\s:,]+\s*:\s*\d+\s*)*$/, {
    message: 'must be a comma-separated list of number:code',
  })
  TEST_PHONE_NUMBERS?: string = undefined;

  @Variable({
    description:
      'Allow TEST_PHONE_NUMBERS when NODE_ENV=production (each use is then logged as a warning).',
  })
  @Flag()
  ALLOW_TEST_PHONE_NUMBERS_IN_PRODUCTION = false;

  @Variable({
    description:
      'Language of the SMS when the request names none and Accept-Language prefers neither `en` nor `ne`.',
  })
  @IsIn(SMS_LOCALES, { message: `must be one of ${SMS_LOCALES.join(', ')}` })
  SMS_DEFAULT_LOCALE: SmsLocale = 'en';

  @Variable({
    description:
      'The English SMS, with `{code}`, `{brand}`, `{minutes}`; must stay one GSM-7 SMS with the configured brand and lines.',
    defaultText: 'built-in',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  SMS_TEMPLATE_EN?: string = undefined;

  @Variable({
    description:
      'The Nepali SMS, with `{code}`, `{brand}`, `{minutes}`; must fit one UCS-2 SMS (70 units), two with the app-hash and WebOTP lines.',
    defaultText: 'built-in',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  SMS_TEMPLATE_NE?: string = undefined;

  @Variable({ description: 'The name the SMS says the code is for.' })
  @IsString()
  @MinLength(1)
  @MaxLength(30)
  SMS_BRAND = 'Example';

  @Variable({
    description:
      'Host of the sign-up page; adds the WebOTP line `@<domain> #<code>` so browsers can fill the code in.',
  })
  @IsOptional()
  @Matches(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/i,
    { message: 'must be a bare host name such as example.com (no scheme or path)' },
  )
  OTP_WEBOTP_DOMAIN?: string = undefined;

  @Variable({
    description: "Android app's 11-character hash; adds the SMS Retriever line to the SMS.",
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{11}$/, { message: 'must be the 11-character Android app hash' })
  OTP_ANDROID_APP_HASH?: string = undefined;

  @Variable({ description: 'Digits in a code.' })
  @WholeNumber(4, 10)
  OTP_LENGTH = 6;

  @Variable({ description: 'How long a code works, in seconds.' })
  @WholeNumber(60, 86_400)
  OTP_TTL_SECONDS = 600;

  @Variable({ description: 'Wrong codes allowed per verification (a resend does not reset it).' })
  @WholeNumber(1, 20)
  OTP_MAX_ATTEMPTS = 5;

  @Variable({ description: 'Seconds between two codes to one number for one account.' })
  @WholeNumber(0, 3600)
  OTP_RESEND_COOLDOWN_SECONDS = 60;

  @Variable({
    description:
      'Codes one account may have sent to one number in a rolling hour (per account, so others cannot lock a person out).',
  })
  @WholeNumber(1, 1_000_000)
  OTP_MAX_SENDS_PER_PHONE_PER_HOUR = 5;

  @Variable({ description: 'SMS one number may receive per UTC day, from all accounts together.' })
  @WholeNumber(1, 1_000_000)
  OTP_MAX_SMS_PER_PHONE_PER_DAY = 15;

  @Variable({ description: 'SMS one account may ask for in a rolling 24 hours.' })
  @WholeNumber(1, 1_000_000)
  OTP_MAX_SENDS_PER_USER_PER_DAY = 10;

  @Variable({ description: 'SMS asked for from one client IP (IPv6: one /64) in a rolling hour.' })
  @WholeNumber(1, 1_000_000)
  OTP_MAX_SENDS_PER_IP_PER_HOUR = 20;

  @Variable({ description: 'SMS the whole service may send per UTC day (0 stops sending).' })
  @WholeNumber(0, 100_000_000)
  SMS_DAILY_BUDGET = 1000;

  @Variable({
    description: 'Mobile operators whose numbers are accepted, of `NTC`, `NCELL`, `SMART`, `UTL`.',
  })
  @Matches(/^\s*[A-Za-z]+\s*(,\s*[A-Za-z]+\s*)*$/, {
    message: 'must be a comma-separated list of NTC, NCELL, SMART, UTL',
  })
  PHONE_ALLOWED_OPERATORS = 'NTC,NCELL';

  @Variable({
    description:
      'Comma-separated origins allowed to call the API from a browser. Unset: same origin only.',
  })
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string = undefined;

  @Variable({
    description:
      "Take the client IP from `X-Forwarded-For`: `false`; how many reverse proxies in front of the service append to it (`true` is 1); or a comma-separated list of the proxies' addresses or CIDRs (IPv4 and IPv6, e.g. `10.0.0.0/8,2001:db8::/32`), when only a request from one of them may set the client IP. A malformed or oversized header entry is ignored, never an error.",
  })
  @IsString()
  @MaxLength(2000)
  TRUST_PROXY = 'false';

  @Variable({ description: 'Longest a request may take to arrive, in milliseconds.' })
  @WholeNumber(1000, 600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  @Variable({
    description:
      'On SIGTERM, seconds during which `/health/ready` answers 503 `SHUTTING_DOWN` while every other route still serves, so a load balancer takes the instance out before it stops accepting connections.',
    defaultText: '`5` in production, `0` otherwise',
  })
  @IsOptional()
  @WholeNumber(0, 300)
  SHUTDOWN_DRAIN_SECONDS?: number = undefined;

  @Variable({
    description:
      'Serve the Swagger UI at `/docs` and the OpenAPI document at `/docs-json`; `false` answers 404 there.',
  })
  @Flag()
  DOCS_ENABLED = true;

  @Variable({
    description:
      'Serve the sign-up page at `/` (and its entry files `/css/page.css`, `/js/main.js`); `false` answers 404 there, for deployments that expose only the API. The operator dashboard (`/admin`) is not affected.',
  })
  @Flag()
  SIGNUP_PAGE_ENABLED = true;

  @Variable({
    description:
      '`redis://…` of a Redis shared by every instance for the per-IP request limits. Unset: counted per process.',
    secret: true,
  })
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string = undefined;

  @Variable({
    description: 'Prefix of every Redis key, so several services or environments can share one.',
  })
  @Matches(/^[A-Za-z0-9:_.-]{0,64}$/, { message: 'must be up to 64 of A-Z a-z 0-9 : _ . -' })
  REDIS_KEY_PREFIX = 'phone-verify:';

  // Not much lower: under a flood our own event loop lags, and a timeout then turns throttling off.
  @Variable({
    description:
      'A Redis command slower than this (ms) is abandoned and the request goes on unthrottled.',
  })
  @WholeNumber(20, 10_000)
  REDIS_TIMEOUT_MS = 1000;

  @Variable({
    description:
      'Register, login and refresh requests (together) one client IP (IPv6: one /64) may make per minute.',
  })
  @WholeNumber(1, 1_000_000)
  AUTH_RATE_LIMIT_PER_IP_PER_MINUTE = 60;

  @Variable({ description: `Log level: ${LOG_LEVELS.join(', ')}.` })
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @Variable({
    description: 'Verifications and delivery-log rows are deleted after this many days.',
  })
  @WholeNumber(1, 3650)
  RETENTION_DAYS = 30;

  @Variable({
    description:
      'Fraud guard: SMS to one number prefix (its 10 digits less the last four) in a rolling hour from which a low conversion blocks the prefix.',
  })
  @WholeNumber(1, 1_000_000)
  FRAUD_PREFIX_MIN_SENDS = 20;

  @Variable({
    description:
      'Fraud guard: the conversion (approved verifications ÷ SMS sent, same window) below which a busy prefix is blocked and a send is risky.',
  })
  @Share()
  FRAUD_MIN_CONVERSION = 0.2;

  @Variable({
    description:
      'Fraud guard: how long an automatic prefix block lasts, in seconds; it doubles for each repeat within 24 h (at most 24 h).',
  })
  @WholeNumber(60, 86_400)
  FRAUD_BLOCK_SECONDS = 3600;

  @Variable({
    description:
      'When a send needs a proof-of-work challenge: `never`, `risky` (only when the guard sees risk) or `always`.',
  })
  @IsIn(FRAUD_CHALLENGE_MODES, { message: `must be one of ${FRAUD_CHALLENGE_MODES.join(', ')}` })
  FRAUD_CHALLENGE: FraudChallengeMode = 'risky';

  @Variable({
    description:
      'Accounts registered from one client network (IPv4 /24, IPv6 /48) in an hour above which its sends need a challenge.',
  })
  @WholeNumber(1, 1_000_000)
  FRAUD_NETWORK_ACCOUNTS_PER_HOUR = 10;

  @Variable({
    description:
      'Signs proof-of-work challenges; at least 32 characters. Required in production; unset elsewhere, a published development value is used.',
    secret: true,
  })
  @Secret()
  CHALLENGE_HMAC_SECRET?: string = undefined;

  @Variable({ description: 'How long a proof-of-work challenge may be used, in seconds.' })
  @WholeNumber(30, 3600)
  CHALLENGE_TTL_SECONDS = 300;

  @Variable({
    description:
      'The share of SMS_DAILY_BUDGET one client network (IPv4 /24, IPv6 /48) may use per UTC day; 1 sets no share of its own (the budget alone answers).',
  })
  @Share()
  SMS_BUDGET_MAX_SHARE_PER_NETWORK = 0.1;

  @Variable({
    description:
      'Comma-separated usernames of the operators who may use `/v1/admin/*` and the `/admin` dashboard (any letter case). Unset: nobody.',
  })
  @IsOptional()
  @Matches(/^\s*[A-Za-z0-9_.-]{3,30}\s*(,\s*[A-Za-z0-9_.-]{3,30}\s*)*$/, {
    message: 'must be a comma-separated list of usernames (3–30 of A-Z a-z 0-9 _ . -)',
  })
  ADMIN_USERNAMES?: string = undefined;

  @Variable({
    description:
      'Bearer token `GET /metrics` requires (`Authorization: Bearer <token>`); at least 16 characters. Unset: `/metrics` is open, except in production, where it answers 404.',
    secret: true,
  })
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string = undefined;
}

/** A variable and what is wrong with it. Values of secrets are never echoed. */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

export type VariableName = Extract<keyof Environment, string>;

/** One variable as the generated documentation lists it. */
export interface DocumentedVariable extends VariableDescription {
  readonly name: VariableName;
  readonly default: unknown;
}

/** Every variable of the schema, in declaration order, with its default and description. */
export function documentedVariables(): DocumentedVariable[] {
  const defaults = new Environment() as unknown as Record<string, unknown>;
  return Object.keys(defaults).map((name) => {
    const description = DESCRIPTIONS.get(name);
    if (!description) throw new Error(`Environment.${name} has no @Variable description`);
    return { name: name as VariableName, default: defaults[name], ...description };
  });
}

export function isSecretVariable(name: string): boolean {
  return DESCRIPTIONS.get(name)?.secret === true;
}

/** ` (got "…")` for a problem message, or nothing for a secret. */
export function describeValue(variable: string, value: unknown): string {
  if (isSecretVariable(variable)) return '';
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
  const given: Record<string, string> = {};
  for (const name of Object.keys(new Environment())) {
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
