import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { isDatabaseUnavailableError } from '../../database/database-errors';
import { DomainError } from '../errors/domain-error';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from './problem-details';

/** Stable codes for the errors the framework raises before our code runs. */
const FRAMEWORK_CODES: Record<number, { code: string; detail: string }> = {
  400: { code: 'VALIDATION_FAILED', detail: 'The request is not valid.' },
  401: { code: 'UNAUTHENTICATED', detail: 'A valid access token is required.' },
  403: { code: 'FORBIDDEN', detail: 'You may not do this.' },
  404: { code: 'NOT_FOUND', detail: 'There is nothing at this address.' },
  405: { code: 'METHOD_NOT_ALLOWED', detail: 'This method is not allowed here.' },
  406: { code: 'NOT_ACCEPTABLE', detail: 'This content type cannot be produced.' },
  408: { code: 'REQUEST_TIMEOUT', detail: 'The request took too long to arrive.' },
  413: { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is larger than 100 kB.' },
  414: { code: 'URI_TOO_LONG', detail: 'The address is too long.' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as application/json.' },
  417: { code: 'EXPECTATION_FAILED', detail: 'Only "Expect: 100-continue" is supported.' },
  429: { code: 'TOO_MANY_REQUESTS', detail: 'Too many requests; slow down.' },
  431: { code: 'HEADERS_TOO_LARGE', detail: 'The request headers are too large.' },
};

/** Fastify's own 4xx errors, by their `code`, where a more precise message helps the client. */
const FASTIFY_DETAILS: Record<string, { field?: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { field: 'body', message: 'is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { field: 'body', message: 'is empty but the content type is JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    field: 'body',
    message: 'does not match its Content-Length',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { message: 'Send the body as application/json.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { message: 'The request body is larger than 100 kB.' },
  FST_ERR_BAD_URL: { field: 'path', message: 'is not a valid URL (a malformed %-escape)' },
};

/**
 * The one place errors become responses: RFC 9457 problem+json, the status docs/api.md gives, a
 * `Retry-After` header on every 429/503 that knows its wait. Nothing internal (stack, SQL, driver
 * message) reaches the client; 5xx are logged with their cause.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    // The client left while its body was read: nobody to answer, and nothing failed here (its
    // request line says "request aborted"). Once logged as a failed request, an error an
    // operator is told to alert on, and as DATABASE_UNAVAILABLE (the error is ECONNRESET).
    if (isClientAbort(exception, http.getRequest<FastifyRequest>().raw)) return;
    const body = this.toProblem(exception);
    if (body.status >= 500) {
      this.logger.error({ err: exception, code: body.code }, 'request failed');
    }
    if (reply.sent) return;
    if (typeof body.retryAfterSeconds === 'number') {
      void reply.header('retry-after', String(body.retryAfterSeconds));
    }
    void reply
      .status(body.status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(body));
  }

  toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof DomainError) {
      const extensions: Record<string, unknown> = { ...exception.extensions };
      return problem(exception.status, exception.code, exception.detail, extensions);
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    if (isDatabaseUnavailableError(exception)) {
      return problem(
        503,
        'DATABASE_UNAVAILABLE',
        'The service cannot reach its database; try again shortly.',
        {
          retryAfterSeconds: 5,
        },
      );
    }
    return problem(500, 'INTERNAL_ERROR', 'Something went wrong on our side.');
  }

  private fromHttpException(exception: HttpException): ProblemDetails {
    const fastifyCode = (exception.cause as { code?: unknown } | undefined)?.code;
    return frameworkProblem(
      exception.getStatus(),
      typeof fastifyCode === 'string' ? fastifyCode : undefined,
    );
  }
}

/** The problem document for an error the framework (Nest, Fastify or Node) raised by status. */
export function frameworkProblem(status: number, fastifyCode?: string): ProblemDetails {
  const known = FRAMEWORK_CODES[status];
  if (status >= 500 || !known) {
    return problem(
      status >= 500 ? status : 400,
      status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST',
      'The request could not be handled.',
    );
  }
  const specific = fastifyCode === undefined ? undefined : FASTIFY_DETAILS[fastifyCode];
  if (specific?.field) {
    return problem(status, known.code, `The request ${specific.field} ${specific.message}.`, {
      errors: [{ field: specific.field, message: specific.message }],
    });
  }
  // VALIDATION_FAILED always carries `errors` (the document makes it required): none to name here
  const extensions = known.code === 'VALIDATION_FAILED' ? { errors: [] } : {};
  return problem(status, known.code, specific?.message ?? known.detail, extensions);
}

/*
 * Some requests are refused before Nest sees them, and Fastify or Node would answer those in
 * their own format (`{"statusCode":414,…}` echoing the URL, or an empty 417). The three handlers
 * below answer them with the same problem documents; createHttpAdapter and configureApp install
 * them. None of them logs: these are cheap for anyone to provoke.
 */

/**
 * Fastify `frameworkErrors`: the router refused the URL (a malformed %-escape: 400; a path
 * parameter over maxParamLength: 414) before any hook or route ran.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status =
    typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
      ? error.statusCode
      : 400;
  const body = frameworkProblem(status, error.code);
  void reply
    .status(body.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .header('x-content-type-options', 'nosniff') // helmet's hook has not run for these
    .send(JSON.stringify(body));
}

/**
 * Fastify `clientErrorHandler` (Node's `clientError`): the bytes are not an HTTP request Node
 * can parse (400), the headers exceed Node's limit (431), or the request did not arrive within
 * HTTP_REQUEST_TIMEOUT_MS (408). The connection cannot be reused, so it is closed after the answer.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 408
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : 400;
  const body = JSON.stringify(frameworkProblem(status));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

/**
 * Node's `checkExpectation`: an `Expect` header other than 100-continue, which Node would
 * answer with an empty 417 (RFC 9110 §10.1.1 allows the 417; the body is ours).
 */
export function answerUnsupportedExpectation(
  _request: IncomingMessage,
  response: ServerResponse,
): void {
  const body = JSON.stringify(frameworkProblem(417));
  response.writeHead(417, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}

/** Node's error on a request whose connection closed before its body was read whole. */
function isClientAbort(exception: unknown, request: IncomingMessage): boolean {
  // by shape: errors made by Node's own code fail `instanceof Error` under Jest's module realm
  const error = exception as { message?: unknown; code?: unknown } | null;
  return request.destroyed && error?.message === 'aborted' && error.code === 'ECONNRESET';
}
