import type { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Level, Logger as PinoLogger, LoggerOptions } from 'pino';
import { LOG_LEVELS, LogLevel } from '../../config/environment';
import { REDACTED, REDACTED_PATHS, redactOneTimeCodes, serializeError } from './log-redaction';

/** The pino options every logger of the service shares: level, redaction, the error shape. */
export function baseLogOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    formatters: { log: redactOneTimeCodes },
    serializers: { err: serializeError },
  };
}

/**
 * The logger of the process itself, before the application (and its configuration) exists and
 * after it is gone: start-up failures, the shutdown steps, `npm run migrate`. JSON lines on
 * stdout written synchronously, so a line logged just before `process.exit` is not lost; pretty
 * lines in development when pino-pretty is installed, like the request log. The level comes from
 * LOG_LEVEL as given (the configuration is not validated yet); anything unknown means `info`.
 */
export function createProcessLogger(raw: Record<string, string | undefined>): PinoLogger {
  const given = raw.LOG_LEVEL?.trim().toLowerCase();
  const level = (LOG_LEVELS as readonly string[]).includes(given ?? '')
    ? (given as LogLevel)
    : 'info';
  const development = (raw.NODE_ENV?.trim() || 'development') === 'development';
  return pino(baseLogOptions(level), (development && prettyStream()) || pino.destination(1));
}

function prettyStream(): DestinationStream | undefined {
  try {
    // a devDependency: absent from a production install
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ singleLine: true, sync: true });
  } catch {
    return undefined;
  }
}

/**
 * Nest's logger interface over a pino logger, for what Nest logs before the application's own
 * logger is in place (and when creating the application fails): every line JSON, an error as
 * `err` with its code, never Nest's coloured multi-line output.
 */
export class NestProcessLogger implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /**
   * Nest passes (message, ...optional, context). After a string message the optional string is
   * a stack (`error`); after an object (`logger.warn({ … }, 'text')`) it is the message.
   */
  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    // Nest's ExceptionHandler logs the error that failed the start; main.ts reports that same
    // error as its one fatal line, so it is not written twice.
    if (context === 'ExceptionHandler') return;
    const text = rest.find((param): param is string => typeof param === 'string');
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, text ?? message.message);
    } else if (message !== null && typeof message === 'object') {
      this.logger[level]({ context, ...(message as Record<string, unknown>) }, text);
    } else {
      this.logger[level]({ context, ...(text ? { stack: text } : {}) }, String(message));
    }
  }
}
