import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { FieldError, ValidationFailedError } from '../../common/errors/domain-error';
import {
  bucketStarts,
  StatisticsBucket,
  StatisticsWindow,
} from '../../common/statistics/statistics-window';
import { SEND_REFUSAL_REASONS, SendRefusalReason } from '../../metrics/metrics-registry';
import { SendRefusalCounts } from '../../metrics/send-refusals/send-refusal-counts';
import { VerificationStatistics } from '../../phone-verification/verification-statistics';
import { DeliveryStatistics } from '../../sms/delivery-log/delivery-statistics';
import type { StatsQueryDto } from './stats-query.dto';
import type {
  GatewayStats,
  OperatorStats,
  RefusalsByReason,
  StatsCounts,
  StatsResponse,
} from './stats.response';

const DAY_MS = 86_400_000;

/** The longest range per bucket size: a month by hour (744 points), a year by day. */
export const MAX_RANGE_MS: Readonly<Record<StatisticsBucket, number>> = {
  hour: 31 * DAY_MS,
  day: 366 * DAY_MS,
};
const DEFAULT_RANGE_MS = DAY_MS;

/**
 * `GET /v1/admin/stats`: each owner counts its rows over the window in PostgreSQL (the delivery
 * log, the verifications, the refusal counts), the three reads run at once, and this folds them
 * into API.md's shape.
 */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly delivery: DeliveryStatistics,
    private readonly verifications: VerificationStatistics,
    private readonly refusals: SendRefusalCounts,
    private readonly clock: Clock,
  ) {}

  /** @throws ValidationFailedError for a range that is empty, reversed or too long. */
  windowOf(query: StatsQueryDto): StatisticsWindow {
    const bucket = query.bucket ?? 'hour';
    const to = query.to === undefined ? this.clock.now() : new Date(query.to);
    const from =
      query.from === undefined ? new Date(to.getTime() - DEFAULT_RANGE_MS) : new Date(query.from);
    const errors: FieldError[] = [];
    if (from.getTime() >= to.getTime()) {
      errors.push({ field: 'from', message: 'must be before to' });
    } else if (to.getTime() - from.getTime() > MAX_RANGE_MS[bucket]) {
      errors.push({
        field: 'from',
        message:
          bucket === 'hour'
            ? 'must be at most 31 days before to with bucket=hour (use bucket=day for longer)'
            : 'must be at most 366 days before to',
      });
    }
    if (errors.length > 0) throw new ValidationFailedError(errors, 'The range is not valid.');
    return { from, to, bucket };
  }

  async statistics(window: StatisticsWindow): Promise<StatsResponse> {
    const [delivery, approvals, refusalRows] = await Promise.all([
      this.delivery.summary(window),
      this.verifications.approvals(window),
      this.refusals.perBucket(window),
    ]);
    const refusals = new Map<number, RefusalsByReason>();
    for (const { start, reason, count } of refusalRows) {
      if (!isReason(reason)) continue;
      const key = start.getTime();
      const entry = refusals.get(key) ?? noRefusals();
      entry[reason] += count;
      refusals.set(key, entry);
    }

    const buckets = bucketStarts(window).map((start) => {
      const key = start.getTime();
      const sms = delivery.perBucket.get(key) ?? { sent: 0, refused: 0, unknown: 0 };
      return {
        start: start.toISOString(),
        ...counts(sms, approvals.perBucket.get(key) ?? 0, refusals.get(key) ?? noRefusals()),
      };
    });
    const totals = counts(
      sumOf(buckets, 'sent', 'refused', 'unknown'),
      buckets.reduce((sum, bucket) => sum + bucket.approved, 0),
      Object.fromEntries(
        SEND_REFUSAL_REASONS.map((reason) => [
          reason,
          buckets.reduce((sum, bucket) => sum + bucket.refusals[reason], 0),
        ]),
      ) as unknown as RefusalsByReason,
    );

    const operators = new Set([...delivery.perOperator.keys(), ...approvals.perOperator.keys()]);
    const byOperator: OperatorStats[] = [...operators]
      .map((operator) => {
        const sent = delivery.perOperator.get(operator)?.sent ?? 0;
        const approved = approvals.perOperator.get(operator) ?? 0;
        return { operator, sent, approved, conversionRate: rate(approved, sent) };
      })
      .sort((a, b) => b.sent - a.sent || a.operator.localeCompare(b.operator));

    const byGateway: GatewayStats[] = [...delivery.perGateway.entries()]
      .map(([gateway, stats]) => ({
        gateway,
        sent: stats.sent,
        refused: stats.refused,
        unknown: stats.unknown,
        p50Ms: roundMs(stats.p50Ms),
        p95Ms: roundMs(stats.p95Ms),
      }))
      .sort((a, b) => a.gateway.localeCompare(b.gateway));

    return {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      bucket: window.bucket,
      totals,
      buckets,
      byOperator,
      byGateway,
    };
  }
}

function counts(
  sms: { sent: number; refused: number; unknown: number },
  approved: number,
  refusals: RefusalsByReason,
): StatsCounts {
  return {
    sent: sms.sent,
    refused: sms.refused,
    unknown: sms.unknown,
    approved,
    conversionRate: rate(approved, sms.sent),
    refusals,
  };
}

function sumOf<K extends 'sent' | 'refused' | 'unknown'>(
  rows: readonly StatsCounts[],
  ...keys: K[]
): Record<K, number> {
  const total = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const row of rows) for (const key of keys) total[key] += row[key];
  return total;
}

function rate(approved: number, sent: number): number | null {
  return sent === 0 ? null : Math.round((approved / sent) * 10_000) / 10_000;
}

function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

function noRefusals(): RefusalsByReason {
  return { cooldown: 0, phone: 0, user: 0, ip: 0, budget: 0, blocked: 0, challenge: 0 };
}

function isReason(value: string): value is SendRefusalReason {
  return (SEND_REFUSAL_REASONS as readonly string[]).includes(value);
}
