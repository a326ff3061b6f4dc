import { QUERY_READ_TIMEOUT_MESSAGE } from './pg-client';

/**
 * Errors that mean "the database cannot be reached right now" (as opposed to a bad query):
 * connection refused or reset, pool exhausted, server shutting down, statement timeout.
 * Requests that meet them answer 503, never 500.
 */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '53', '57']; // connection, resources, operator intervention
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection timeout',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'Client was closed and is not queryable',
  'Connection is not established',
  QUERY_READ_TIMEOUT_MESSAGE, // a silent server (pg's query_timeout)
];

export function isDatabaseUnavailableError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (UNAVAILABLE_NODE_CODES.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) {
        return true;
      }
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) {
      return true;
    }
    const next = current as { driverError?: unknown; cause?: unknown };
    current = next.driverError ?? next.cause;
  }
  return false;
}

function driverErrorOf(error: unknown): { code?: unknown; constraint?: string } | undefined {
  const driver =
    (error as { driverError?: { code?: unknown; constraint?: string } } | null)?.driverError ??
    (error as { code?: unknown; constraint?: string } | null);
  return driver ?? undefined;
}

/** The SQLSTATE a statement failed with (from pg's error, or TypeORM's wrapping of it). */
export function sqlStateOf(error: unknown): string | undefined {
  const code = driverErrorOf(error)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The constraint or index a statement violated, when it failed with the given SQLSTATE. */
function violatedConstraint(error: unknown, sqlState: string): string | undefined {
  return sqlStateOf(error) === sqlState ? (driverErrorOf(error)?.constraint ?? '') : undefined;
}

/** PostgreSQL's unique_violation (23505), with the constraint or index it hit. */
export function uniqueViolationConstraint(error: unknown): string | undefined {
  return violatedConstraint(error, '23505');
}

/** PostgreSQL's foreign_key_violation (23503), with the constraint it hit. */
export function foreignKeyViolationConstraint(error: unknown): string | undefined {
  return violatedConstraint(error, '23503');
}
