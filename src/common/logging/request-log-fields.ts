import type { IncomingMessage } from 'node:http';

/*
 * The request log line is written once the response ends (request-log.ts). What it carries
 * beyond method, URL and status (who asked) is learnt on the way: the client IP in the onRequest
 * hook, the user id by the access-token guard. Both are noted on the raw request here.
 */
const FIELDS = Symbol('requestLogFields');

interface RequestLogFields {
  clientIp?: string;
  userId?: string;
}

type Noted = IncomingMessage & { [FIELDS]?: RequestLogFields };

function fieldsOf(request: IncomingMessage): RequestLogFields {
  const noted = request as Noted;
  return (noted[FIELDS] ??= {});
}

export function noteClientIp(request: IncomingMessage, clientIp: string): void {
  fieldsOf(request).clientIp = clientIp;
}

export function noteUserId(request: IncomingMessage, userId: string): void {
  fieldsOf(request).userId = userId;
}

/** `{ clientIp, userId }` as far as they are known, for the request's log line. */
export function requestLogFields(request: IncomingMessage): RequestLogFields {
  return (request as Noted)[FIELDS] ?? {};
}
