import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { requestLogFields } from './request-log-fields';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's logger until its line is written; null after, or before the hook ran. */
    requestLogger: Logger | null;
  }
}

type Outcome = 'request completed' | 'request errored' | 'request aborted';

/**
 * One line per request (`request completed`, `request errored` for a 5xx, `request aborted` when
 * the client left before the answer), written by Fastify's own hooks. It used to be pino-http
 * run as Nest middleware, whose per-request machinery (Nest's middleware engine, middie, three
 * response listeners) cost more than the line itself: docs/performance.md, "The request log".
 *
 * The application's lines written during a request (nestjs-pino's PinoLogger) carry the same
 * `req` as its request line: the request runs in a logging context of its own.
 */
export function logEachRequest(fastify: FastifyInstance, context: PinoLogger): void {
  fastify.decorateRequest('requestLogger', null);
  fastify.addHook('onRequest', (request, _reply, done) => {
    const req = { id: request.id, method: request.method, url: request.url };
    context.runInContext(
      () => {
        request.requestLogger = context.logger;
        done();
      },
      { bindings: { req } },
    );
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const outcome = reply.statusCode >= 500 ? 'request errored' : 'request completed';
    writeLine(request, outcome, {
      res: reply.raw, // through the `res` serializer, as pino-http handed it
      responseTime: Math.round(reply.elapsedTime),
    });
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    writeLine(request, 'request aborted', {});
    done();
  });
}

function writeLine(request: FastifyRequest, outcome: Outcome, fields: object): void {
  const logger = request.requestLogger;
  if (!logger) return; // answered before the hook ran, or written already
  request.requestLogger = null;
  const line = { ...fields, ...requestLogFields(request.raw) };
  // a readiness probe's 503 is its answer (draining, or a database that does not answer, which
  // is logged as an error where it is found), not a failed request
  if (outcome === 'request errored' && !request.url.startsWith('/health/')) {
    logger.error(line, outcome);
  } else {
    logger.info(line, outcome);
  }
}
