import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MetricsRegistry } from './metrics-registry';

/** The route label of requests no route matched (404s, and what the router refused). */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * http_request_duration_seconds for every request Fastify answers: the route label is the
 * route's pattern (`/v1/phone-verifications/:id`), never the URL, so an id or a probe for
 * `/wp-login.php` cannot make a new series.
 */
@Injectable()
export class HttpRequestMetrics implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsRegistry,
  ) {}

  /** Hooks added before Fastify is ready apply to every route, those Nest registered included. */
  onModuleInit(): void {
    // A standalone application context (service-tier tests, the migration CLI) serves no HTTP.
    const adapter = this.adapterHost.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    const histogram = this.metrics.httpRequestDuration;
    fastify.addHook('onResponse', (request, reply, done) => {
      histogram.observe(
        {
          method: METHODS.has(request.method) ? request.method : 'OTHER',
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
