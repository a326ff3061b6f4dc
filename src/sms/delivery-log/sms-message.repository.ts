import { Injectable } from '@nestjs/common';
import {
  BUCKET_INTERVAL,
  BUCKET_ORIGIN_SQL,
  StatisticsWindow,
} from '../../common/statistics/statistics-window';
import { Database, Queryable, Transaction } from '../../database/database';
import { asDate, tableOf } from '../../database/table';
import { SmsMessage } from './sms-message.entity';

const messages = tableOf(SmsMessage);

// Shared with migration TakeSmsBudgetAtCommit's trigger function.
const BUDGET_SETTING = 'phone_verify.sms_daily_budget';

/** A send's row, written `pending` before the gateway is called. */
export type SmsReservationRow = Pick<
  SmsMessage,
  'id' | 'verificationId' | 'userId' | 'toPhone' | 'clientIp' | 'provider' | 'createdAt'
>;

/** What the gateway said, as the log keeps it. */
export type SmsResultRow = Pick<
  SmsMessage,
  'providerCode' | 'providerMessage' | 'providerMessageId' | 'completedAt'
>;

/** Counts of SMS that count against each limit, and the times the cooldown runs from. */
export interface SmsCountsRow {
  toPhone: number;
  byUser: number;
  fromIp: number;
  lastSent: Date | null;
  lastPending: Date | null;
}

export interface SmsCountsQuery {
  toPhone: string;
  userId: string;
  clientIp: string;
  phoneSince: Date;
  userSince: Date;
  ipSince: Date;
  pendingSince: Date;
}

/**
 * Gateway attempts over a statistics window, per bucket, operator and gateway: `sent` may have
 * reached the phone (status sent or unknown), `unknown` is the part of it with no trustworthy
 * answer, `refused` did not go out (refused or not reached).
 */
export interface SmsCountsPerBucketRow {
  start: Date;
  operator: string | null;
  gateway: string;
  sent: number;
  refused: number;
  unknown: number;
}

/** The median and 95th percentile of a gateway's answer time, in ms (percentile_cont). */
export interface GatewayLatencyRow {
  gateway: string;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** The columns a per-key limit counts on. */
export type SmsCountKey = 'toPhone' | 'userId' | 'clientIp';

/**
 * The SQL of the delivery log, `sms_messages`, and of the per-day budget counter
 * `sms_daily_usage` it feeds: that table is written only by the budget trigger on this one and
 * when a failed SMS gives its slot back, in the same statement that marks it failed.
 */
@Injectable()
export class SmsMessageRepository {
  constructor(private readonly db: Database) {}

  async counts(on: Queryable, query: SmsCountsQuery): Promise<SmsCountsRow> {
    const { rows } = await on.query<SmsCountsRow>(
      `SELECT
         (SELECT count(*)::int FROM sms_messages
           WHERE to_phone = $1 AND status <> 'failed' AND created_at > $4) AS "toPhone",
         (SELECT count(*)::int FROM sms_messages
           WHERE user_id = $2 AND status <> 'failed' AND created_at > $5) AS "byUser",
         (SELECT count(*)::int FROM sms_messages
           WHERE client_ip = $3 AND status <> 'failed' AND created_at > $6) AS "fromIp",
         (SELECT max(created_at) FROM sms_messages
           WHERE user_id = $2 AND to_phone = $1 AND status = 'sent') AS "lastSent",
         (SELECT max(created_at) FROM sms_messages
           WHERE user_id = $2 AND to_phone = $1 AND status = 'pending' AND created_at > $7) AS "lastPending"`,
      [
        query.toPhone,
        query.userId,
        query.clientIp,
        query.phoneSince,
        query.userSince,
        query.ipSince,
        query.pendingSince,
      ],
    );
    const row = rows[0];
    return { ...row, lastSent: asDate(row.lastSent), lastPending: asDate(row.lastPending) };
  }

  /** When the `skip`-th oldest counted SMS for `value` since `since` was reserved. */
  async countedAt(
    on: Queryable,
    key: SmsCountKey,
    value: string,
    since: Date,
    skip: number,
  ): Promise<Date | null> {
    const { rows } = await on.query<{ createdAt: Date | string }>(
      `SELECT created_at AS "createdAt" FROM sms_messages
        WHERE ${messages.column(key)} = $1 AND status <> 'failed' AND created_at > $2
        ORDER BY created_at OFFSET $3 LIMIT 1`,
      [value, since, Math.max(0, skip)],
    );
    return rows.length > 0 ? asDate(rows[0].createdAt) : null;
  }

  /**
   * Inserts the `pending` row inside the caller's transaction, handing the day's budget to the
   * commit-time trigger (which refuses the commit with PV001 when the budget is spent).
   */
  async insertPending(
    transaction: Transaction,
    row: SmsReservationRow,
    dailyBudget: number,
  ): Promise<void> {
    await transaction.query(
      `WITH budget AS (SELECT set_config('${BUDGET_SETTING}', $8::text, true))
       INSERT INTO sms_messages (id, verification_id, user_id, to_phone, client_ip, provider, status, created_at)
       SELECT $1::uuid, $2::uuid, $3::uuid, $4::varchar, $5::varchar, $6::varchar, 'pending', $7::timestamptz
         FROM budget`,
      [
        row.id,
        row.verificationId,
        row.userId,
        row.toPhone,
        row.clientIp,
        row.provider,
        row.createdAt,
        String(dailyBudget),
      ],
    );
  }

  async markSent(on: Queryable, id: string, result: SmsResultRow): Promise<void> {
    await on.query(
      `UPDATE sms_messages
          SET status = 'sent', provider_code = $2, provider_message = $3, provider_message_id = $4,
              completed_at = $5
        WHERE id = $1`,
      [
        id,
        result.providerCode,
        result.providerMessage,
        result.providerMessageId,
        result.completedAt,
      ],
    );
  }

  /** Marks a pending row failed and gives its day's budget slot back, in one statement. */
  async markFailed(id: string, result: Omit<SmsResultRow, 'providerMessageId'>): Promise<void> {
    await this.db.query(
      `WITH failed AS (
         UPDATE sms_messages
            SET status = 'failed', provider_code = $2, provider_message = $3, completed_at = $4
          WHERE id = $1 AND status = 'pending'
          RETURNING created_at
       )
       UPDATE sms_daily_usage SET reserved = reserved - 1
        WHERE day = (SELECT (created_at AT TIME ZONE 'UTC')::date FROM failed) AND reserved > 0`,
      [id, result.providerCode, result.providerMessage, result.completedAt],
    );
  }

  /**
   * Attempts in [from, to) per bucket, operator and gateway: a few hundred rows for a week by
   * hour, which the caller folds into buckets, operators and gateways. One hash aggregate over
   * the created_at range (docs/performance.md, "Statistics query on 1 M rows").
   */
  async countsPerBucket(window: StatisticsWindow): Promise<SmsCountsPerBucketRow[]> {
    const { rows } = await this.db.query<SmsCountsPerBucketRow>(
      `SELECT date_bin($3::interval, created_at, ${BUCKET_ORIGIN_SQL}) AS "start",
              operator, provider AS gateway,
              count(*) FILTER (WHERE status IN ('sent', 'unknown'))::int AS sent,
              count(*) FILTER (WHERE status = 'failed')::int AS refused,
              count(*) FILTER (WHERE status = 'unknown')::int AS unknown
         FROM ${messages.name}
        WHERE created_at >= $1 AND created_at < $2
        GROUP BY 1, 2, 3`,
      [window.from, window.to, BUCKET_INTERVAL[window.bucket]],
    );
    return rows.map((row) => ({ ...row, start: asDate(row.start) }));
  }

  /** p50 and p95 of `latency_ms` per gateway over attempts in [from, to) that measured one. */
  async latencyPercentiles(from: Date, to: Date): Promise<GatewayLatencyRow[]> {
    const { rows } = await this.db.query<{ gateway: string; percentiles: number[] }>(
      `SELECT provider AS gateway,
              percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY latency_ms) AS percentiles
         FROM ${messages.name}
        WHERE created_at >= $1 AND created_at < $2 AND latency_ms IS NOT NULL
        GROUP BY provider`,
      [from, to],
    );
    return rows.map(({ gateway, percentiles }) => ({
      gateway,
      p50Ms: percentiles[0] ?? null,
      p95Ms: percentiles[1] ?? null,
    }));
  }

  /** Retention: rows older than `before` go; budget rows too once their day is older. */
  async deleteOlderThan(before: Date, beforeDay: string): Promise<number> {
    const { affected } = await this.db.query('DELETE FROM sms_messages WHERE created_at < $1', [
      before,
    ]);
    await this.db.query('DELETE FROM sms_daily_usage WHERE day < $1', [beforeDay]);
    return affected;
  }
}
