import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import pino, { DestinationStream, Logger } from 'pino';
import { requestLogFields } from './request-log-fields';

/** What a line says of the request it belongs to (through the `req` serializer). */
interface RequestOfLine {
  id: string;
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request's line is due; null once written, or before the hook ran. */
    requestOfLine: RequestOfLine | null;
  }
}

type Outcome = 'request completed' | 'request errored' | 'request aborted';

const currentRequest = new AsyncLocalStorage<RequestOfLine>();

/**
 * pino's `mixin`: an application line written while a request is served carries that request's
 * `req`, as its request line does. Taken from the request's async context, not from a child
 * logger per request: one was built for every request, logging or not.
 */
export function requestOfCurrentLine(): { req?: RequestOfLine } {
  const req = currentRequest.getStore();
  return req ? { req } : {};
}

/**
 * One line per request (`request completed`, `request errored` for a 5xx, `request aborted` when
 * the client left before the answer), written by Fastify's own hooks. It used to be pino-http
 * run as Nest middleware, whose per-request machinery (Nest's middleware engine, middie, a child
 * logger, three response listeners) cost more than the line itself: docs/performance.md, "The
 * request log and the token check".
 */
export function logEachRequest(fastify: FastifyInstance, root: Logger): void {
  const logger = lineLogger(root);
  fastify.decorateRequest('requestOfLine', null);
  fastify.addHook('onRequest', (request, _reply, done) => {
    // no route takes a query; one could carry a token
    const req = { id: request.id, method: request.method, url: request.url.split('?')[0] };
    request.requestOfLine = req;
    currentRequest.run(req, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const outcome = reply.statusCode >= 500 ? 'request errored' : 'request completed';
    writeLine(logger, request, outcome, {
      res: { statusCode: reply.statusCode },
      responseTime: Math.round(reply.elapsedTime),
    });
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    writeLine(logger, request, 'request aborted', {});
    done();
  });
}

/**
 * The request lines' own logger, on the root logger's destination and level: each line is built
 * here from the request's id, method, path, status, time, client IP and user id, so there is
 * nothing to redact or serialize. Redaction, applied to every line of the root logger, was the
 * line's largest cost (docs/performance.md, "The request log and the token check").
 */
function lineLogger(root: Logger): Logger {
  // pino keeps a logger's destination under this symbol; its typings do not declare the key
  const withStream = root as unknown as Record<symbol, DestinationStream>;
  const destination = withStream[pino.symbols.streamSym];
  return pino({ level: root.level }, destination);
}

function writeLine(
  logger: Logger,
  request: FastifyRequest,
  outcome: Outcome,
  fields: object,
): void {
  const req = request.requestOfLine;
  if (!req) return; // answered before the hook ran, or written already
  request.requestOfLine = null;
  const line = { req, ...fields, ...requestLogFields(request.raw) };
  // a readiness probe's 503 is its answer (draining, or a database that does not answer, which
  // is logged as an error where it is found), not a failed request
  if (outcome === 'request errored' && !req.url.startsWith('/health/')) {
    logger.error(line, outcome);
  } else {
    logger.info(line, outcome);
  }
}
