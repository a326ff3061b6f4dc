import { HttpService } from '@nestjs/axios';
import type { AxiosRequestConfig } from 'axios';

/**
 * One request to Sparrow, reduced to facts that are safe to log. Axios errors carry the request
 * config (the token is in the form body or the query string), so they never leave this file:
 * callers get a status and a parsed body, or a reason built from the error's code alone.
 */
export type SparrowExchange =
  | {
      kind: 'answered';
      httpStatus: number;
      /** The body as a JSON object; undefined when it is not one (HTML error page, truncated…). */
      json?: Record<string, unknown>;
    }
  | {
      kind: 'failed';
      reason: string;
      /** True only when no byte of the request reached Sparrow, so sending again cannot duplicate. */
      beforeSend: boolean;
    };

// Errors raised while opening the connection: the request was certainly not sent.
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
// axios `timeout` (ECONNABORTED, or ETIMEDOUT with clarifyTimeoutError) and our AbortSignal.
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

// Sparrow's answers are a few hundred bytes; anything much larger is not an answer.
const MAX_RESPONSE_BYTES = 64 * 1024;

export async function exchangeWithSparrow(
  http: HttpService,
  request: AxiosRequestConfig,
  timeoutMs: number,
): Promise<SparrowExchange> {
  try {
    // The module's axios instance itself, not HttpService's Observable wrapper: rxjs and the
    // cancellation it runs after every completed request were a tenth of a send's CPU.
    const response = await http.axiosRef.request<unknown>({
      ...request,
      headers: { accept: 'application/json', ...request.headers },
      // `timeout` is an idle timer (a body dripping in resets it); the signal bounds the whole exchange.
      timeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      // Parse the body ourselves: an unreadable one is an answer to classify, not an exception.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // A redirected POST could be replayed elsewhere; Sparrow does not redirect its API.
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
    });
    return { kind: 'answered', httpStatus: response.status, json: parseJsonObject(response.data) };
  } catch (error) {
    return describeFailure(error, timeoutMs);
  }
}

function describeFailure(error: unknown, timeoutMs: number): SparrowExchange {
  const code = errorCode(error);
  if (code && CONNECT_PHASE_CODES.has(code)) {
    return { kind: 'failed', beforeSend: true, reason: `could not connect (${code})` };
  }
  if (code && TIMEOUT_CODES.has(code)) {
    return {
      kind: 'failed',
      beforeSend: false,
      reason: `no complete answer within ${timeoutMs} ms`,
    };
  }
  if (code === 'ERR_BAD_RESPONSE') {
    return { kind: 'failed', beforeSend: false, reason: 'the response was cut off or too large' };
  }
  return {
    kind: 'failed',
    beforeSend: false,
    reason: code ? `the connection failed (${code})` : 'the request failed',
  };
}

/** Only a short upper-case code (ECONNRESET, ERR_CANCELED …) is taken from an error, nothing else. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code) ? code : undefined;
}

function parseJsonObject(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}

/** Sparrow's `response_code` (a number, sometimes sent as a numeric string), if the body has one. */
export function sparrowResponseCode(json: Record<string, unknown> | undefined): number | undefined {
  const value = json?.response_code;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,6}$/.test(value)) return Number(value);
  return undefined;
}

/**
 * A text field of Sparrow's answer, shortened, with anything secret we sent cut out in case
 * Sparrow echoes it back ("Invalid Token <token>").
 */
export function sparrowText(value: unknown, secrets: readonly string[]): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  let text = String(value);
  for (const secret of secrets) {
    if (secret.length > 0) text = text.split(secret).join('[redacted]');
  }
  return text.slice(0, 200);
}
