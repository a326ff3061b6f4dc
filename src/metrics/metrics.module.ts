import { Global, Module } from '@nestjs/common';
import { HttpRequestMetrics } from './http-request-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { MetricsService } from './metrics.service';
import { MetricsTokenGuard } from './metrics-token.guard';
import { SendRefusalCountRepository } from './send-refusals/send-refusal-count.repository';
import { SendRefusalCounts } from './send-refusals/send-refusal-counts';

/**
 * The Prometheus registry, `GET /metrics`, and MetricsService, which every module calls where an
 * event happens (global, like the clock and the database). It imports no feature module, so any
 * of them may use it. `SendRefusalCounts` is exported for the statistics API.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: MetricsRegistry, useFactory: () => new MetricsRegistry() },
    MetricsService,
    HttpRequestMetrics,
    MetricsTokenGuard,
    SendRefusalCountRepository,
    SendRefusalCounts,
  ],
  exports: [MetricsService, SendRefusalCounts],
})
export class MetricsModule {}
