/**
 * What never reaches a log line: secrets and personal data. Phone numbers are masked where they
 * are logged (mask.ts); everything here is replaced by `[redacted]`.
 */
export const REDACTED = '[redacted]';

// Keys whose values are secrets wherever they appear in a logged object.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.authorization',
];

/** A problem code (`INTERNAL_ERROR`, `SEND_LIMIT_REACHED`): letters and underscores, never a one-time code. */
const PROBLEM_CODE = /^[A-Z][A-Z_]*$/;

/**
 * `code` names two things: a one-time code (a secret) and an error's code (`ECONNREFUSED`, a
 * SQLSTATE such as `23505`, `PV001`), which an operator needs. Redacting every `code` hid the
 * second; so a `code` is kept when it belongs to an Error object or is a problem code, and
 * redacted everywhere else, at the top level of a log line and one level down (as `*.code` did).
 * A one-time code is never an Error's property, so it is never kept.
 */
function keepsCode(owner: object, value: unknown): boolean {
  return owner instanceof Error || (typeof value === 'string' && PROBLEM_CODE.test(value));
}

/**
 * pino's `formatters.log`: runs on the object of each log call before the serializers, while an
 * error is still an Error. Copies only what it changes; the caller's objects are left alone.
 */
export function redactOneTimeCodes(object: Record<string, unknown>): Record<string, unknown> {
  let result = object;
  if ('code' in object && !keepsCode(object, object.code)) result = { ...result, code: REDACTED };
  for (const [key, value] of Object.entries(object)) {
    if (key === 'code' || value === null || typeof value !== 'object') continue;
    if (Array.isArray(value) || !('code' in value)) continue;
    const inner = value as Record<string, unknown>;
    if (!keepsCode(inner, inner.code)) result = { ...result, [key]: { ...inner, code: REDACTED } };
  }
  return result;
}

/** The one shape of a logged error: its code kept (see above), its stack when it has one. */
export function serializeError(err: Error & { code?: unknown }): Record<string, unknown> {
  return { type: err.name, message: err.message, code: err.code, stack: err.stack };
}
