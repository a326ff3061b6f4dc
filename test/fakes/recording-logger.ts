import type { LoggerService } from '@nestjs/common';

export type LogLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

export interface LogEntry {
  level: LogLevel;
  /** The arguments as passed, e.g. `[{ to }, 'message']`. */
  args: unknown[];
}

/**
 * A Nest LoggerService that keeps every call, for specs that construct a class with it and then
 * check what it logged. `text()` serialises everything, errors and nested objects included, so
 * "the token appears nowhere" is checked against all of it, not just the message strings.
 */
export class RecordingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(...args: unknown[]): void {
    this.entries.push({ level: 'log', args });
  }
  error(...args: unknown[]): void {
    this.entries.push({ level: 'error', args });
  }
  warn(...args: unknown[]): void {
    this.entries.push({ level: 'warn', args });
  }
  debug(...args: unknown[]): void {
    this.entries.push({ level: 'debug', args });
  }
  verbose(...args: unknown[]): void {
    this.entries.push({ level: 'verbose', args });
  }
  fatal(...args: unknown[]): void {
    this.entries.push({ level: 'fatal', args });
  }

  /** The message strings logged at `level` (or at every level). */
  messages(level?: LogLevel): string[] {
    return this.entries
      .filter((entry) => level === undefined || entry.level === level)
      .flatMap((entry) => entry.args.filter((arg): arg is string => typeof arg === 'string'));
  }

  text(): string {
    return this.entries.map((entry) => serialise(entry)).join('\n');
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** JSON with Error properties (message, stack, cause …) spelled out and cycles cut. */
export function serialise(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, current: unknown) => {
    if (current === null || typeof current !== 'object') return current;
    if (seen.has(current)) return '[cycle]';
    seen.add(current);
    if (current instanceof Error) {
      const own: Record<string, unknown> = {};
      for (const key of Object.getOwnPropertyNames(current)) {
        own[key] = (current as unknown as Record<string, unknown>)[key];
      }
      return { name: current.name, message: current.message, stack: current.stack, ...own };
    }
    return current;
  });
}
