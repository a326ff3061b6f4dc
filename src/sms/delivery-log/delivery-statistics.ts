import { Injectable } from '@nestjs/common';
import type { StatisticsWindow } from '../../common/statistics/statistics-window';
import { GatewayLatencyRow, SmsMessageRepository } from './sms-message.repository';

/** SMS attempts counted three ways (docs/api.md, "Operator console" says what each means). */
export interface DeliveryCounts {
  sent: number;
  refused: number;
  unknown: number;
}

export interface DeliverySummary {
  /** By bucket start (ms since the epoch); buckets without SMS are absent. */
  readonly perBucket: ReadonlyMap<number, DeliveryCounts>;
  /** By operator; `unknown` for attempts whose operator was not recorded. */
  readonly perOperator: ReadonlyMap<string, DeliveryCounts>;
  readonly perGateway: ReadonlyMap<string, DeliveryCounts & Omit<GatewayLatencyRow, 'gateway'>>;
}

const UNKNOWN_OPERATOR = 'unknown';

/** The delivery log read for the operator console: counts and latencies over a window. */
@Injectable()
export class DeliveryStatistics {
  constructor(private readonly messages: SmsMessageRepository) {}

  async summary(window: StatisticsWindow): Promise<DeliverySummary> {
    const [counts, latencies] = await Promise.all([
      this.messages.countsPerBucket(window),
      this.messages.latencyPercentiles(window.from, window.to),
    ]);
    const perBucket = new Map<number, DeliveryCounts>();
    const perOperator = new Map<string, DeliveryCounts>();
    const perGateway = new Map<string, DeliveryCounts & Omit<GatewayLatencyRow, 'gateway'>>();
    for (const row of counts) {
      add(perBucket, row.start.getTime(), row);
      add(perOperator, row.operator ?? UNKNOWN_OPERATOR, row);
      const gateway = perGateway.get(row.gateway);
      if (gateway) addTo(gateway, row);
      else perGateway.set(row.gateway, { ...pick(row), p50Ms: null, p95Ms: null });
    }
    for (const { gateway, p50Ms, p95Ms } of latencies) {
      const entry = perGateway.get(gateway);
      if (entry) Object.assign(entry, { p50Ms, p95Ms });
    }
    return { perBucket, perOperator, perGateway };
  }
}

function pick({ sent, refused, unknown }: DeliveryCounts): DeliveryCounts {
  return { sent, refused, unknown };
}

function addTo(target: DeliveryCounts, row: DeliveryCounts): void {
  target.sent += row.sent;
  target.refused += row.refused;
  target.unknown += row.unknown;
}

function add<K>(map: Map<K, DeliveryCounts>, key: K, row: DeliveryCounts): void {
  const entry = map.get(key);
  if (entry) addTo(entry, row);
  else map.set(key, pick(row));
}
