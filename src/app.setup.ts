import { VersioningType } from '@nestjs/common';
import type { HelmetOptions } from 'helmet';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { isNonJsonBody } from './common/http/json-only';
import { PROBLEM_CONTENT_TYPE } from './common/http/problem-details';
import { securityHeaders } from './common/http/security-headers';
import { clientIpResolver } from './common/http/trusted-proxies';
import {
  answerClientError,
  answerFrameworkError,
  answerUnsupportedExpectation,
  frameworkProblem,
} from './common/http/problem-details.filter';
import { AppLogger } from './common/logging/app-logger';
import { requestIdFor } from './common/logging/logging.module';
import { noteClientIp } from './common/logging/request-log-fields';
import { logEachRequest } from './common/logging/request-log';
import { PinoLogger } from 'nestjs-pino';
import { createOpenApiDocument } from './openapi';
import { AppConfig } from './config/app-config';
import { ShutdownState } from './health/shutdown-state';
import { serveSignUpWallPage } from './page/sign-up-wall-page';

/** 100 kB: far above any valid request, small enough that a flood of large bodies costs little. */
export const BODY_LIMIT_BYTES = 100 * 1024;

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"], // Swagger UI sets inline styles
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      // TLS is terminated in front of us; upgrading would break plain-http intranet deployments
      upgradeInsecureRequests: null,
    },
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    clientIp: string;
  }
}

export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: false, // during shutdown, serve what arrives (with Connection: close)
    requestIdHeader: false,
    genReqId: requestIdFor,
    // refused before Nest sees them (bad URL, unparsable HTTP, headers too large, timeout): problem+json too
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
}

/**
 * Everything main.ts does to the application before it listens, shared with the e2e tests so
 * they exercise the same headers, versioning, docs and client-IP rules as production.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get(AppConfig);
  app.useLogger(app.get(AppLogger));
  app.enableVersioning({ type: VersioningType.URI });

  const helmetHeaders = securityHeaders(HELMET_OPTIONS);
  const resolveClientIp = clientIpResolver(config.http.trustProxy);
  const shutdown = app.get(ShutdownState);
  const fastify = app.getHttpAdapter().getInstance();
  // first, so that every request Fastify routes gets its line, the refused ones included
  logEachRequest(fastify, PinoLogger.root);
  fastify.decorateRequest('clientIp', '');
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(helmetHeaders).header('x-request-id', request.id);
    request.clientIp = resolveClientIp(request.raw);
    noteClientIp(request.raw, request.clientIp);
    // stopping: a proxy keeps no idle connection to an instance about to close the idle ones
    if (shutdown.stopping) void reply.header('connection', 'close');
    if (isNonJsonBody(request.headers)) {
      // before Fastify's parsers (Nest registers a form-urlencoded one, Fastify a text/plain one)
      void reply
        .status(415)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify(frameworkProblem(415)));
      return; // answered: a hook that replies does not call done()
    }
    done();
  });
  const server = app.getHttpServer();
  server.requestTimeout = config.http.requestTimeoutMs;
  // Node swaps the two timeouts when headersTimeout (default 60 s) is the larger, so a stalled body
  // would get 60 s; and it checks deadlines only every connectionsCheckingInterval (default 30 s,
  // read when listen() starts the checker). Both would make HTTP_REQUEST_TIMEOUT_MS a fiction.
  server.headersTimeout = Math.min(server.headersTimeout, config.http.requestTimeoutMs);
  Object.assign(server, { connectionsCheckingInterval: 1000 }); // not in @types/node's Server
  server.on('checkExpectation', answerUnsupportedExpectation);

  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? [...config.http.corsOrigins] : false,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  // switched off, the routes are not registered: 404 NOT_FOUND like any unknown path
  await serveSignUpWallPage(app, config.otp.length, config.http.signUpPageEnabled);
  if (config.http.docsEnabled) setUpSwagger(app);
}

function setUpSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, createOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
