import { Controller, Get, Header, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { MetricsRegistry } from './metrics-registry';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * `GET /metrics` in Prometheus' text format. Not an API route (no access token: its own
 * METRICS_TOKEN), so not in the OpenAPI document; docs/api.md and docs/operations.md describe it.
 */
@ApiExcludeController()
@Public()
@UseGuards(MetricsTokenGuard)
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
