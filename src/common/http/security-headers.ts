import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet would set, worked out once at start-up. They depend on the options only (no
 * CSP nonces here), so each response copies a ready map. @fastify/helmet instead builds helmet's
 * middleware again on every request, parsing the CSP directives each time (measured:
 * docs/performance.md, Findings).
 */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: number | string | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error instanceof Error ? error : new Error('helmet refused its options');
      finished = true;
    },
  );
  // helmet's middlewares are synchronous; anything else would mean these headers are incomplete
  if (!finished) throw new Error('helmet did not finish synchronously');
  return Object.freeze(headers);
}
