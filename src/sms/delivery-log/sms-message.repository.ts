import { Injectable } from '@nestjs/common';
import {
  BUCKET_INTERVAL,
  BUCKET_ORIGIN_SQL,
  StatisticsWindow,
} from '../../common/statistics/statistics-window';
import {
  Database,
  joinStatements,
  Queryable,
  Statement,
  Transaction,
} from '../../database/database';
import { asDate, tableOf } from '../../database/table';
import { SmsMessage } from './sms-message.entity';

const messages = tableOf(SmsMessage);

// Shared with migration TakeSmsBudgetAtCommit's trigger function.
const BUDGET_SETTING = 'phone_verify.sms_daily_budget';

/** A send's row, written `pending` before the gateway is called. */
export type SmsReservationRow = Pick<
  SmsMessage,
  | 'id'
  | 'verificationId'
  | 'userId'
  | 'toPhone'
  | 'clientIp'
  | 'clientSubject'
  | 'clientNetwork'
  | 'provider'
  | 'operator'
  | 'encoding'
  | 'segments'
  | 'createdAt'
>;

/** What one gateway attempt came to, as the log keeps it. */
export type SmsAttemptRow = Pick<
  SmsMessage,
  | 'provider'
  | 'outcome'
  | 'refusalCause'
  | 'network'
  | 'latencyMs'
  | 'providerCode'
  | 'providerMessage'
  | 'providerMessageId'
  | 'completedAt'
>;

const RESERVATION_COLUMNS = [
  'id',
  'verificationId',
  'userId',
  'toPhone',
  'clientIp',
  'clientSubject',
  'clientNetwork',
  'provider',
  'operator',
  'encoding',
  'segments',
  'createdAt',
] as const satisfies readonly (keyof SmsReservationRow)[];

const ATTEMPT_COLUMNS = [
  'provider',
  'outcome',
  'refusalCause',
  'network',
  'latencyMs',
  'providerCode',
  'providerMessage',
  'providerMessageId',
  'completedAt',
] as const satisfies readonly (keyof SmsAttemptRow)[];

/** `provider = $2, outcome = $3, …`: an attempt's columns, as parameters from $2 on. */
const SET_ATTEMPT = ATTEMPT_COLUMNS.map(
  (property, i) => `${messages.column(property)} = $${i + 2}`,
).join(', ');
const AFTER_ATTEMPT = ATTEMPT_COLUMNS.length + 2; // the first parameter after them

function attemptValues(attempt: SmsAttemptRow): unknown[] {
  return ATTEMPT_COLUMNS.map((property) => attempt[property]);
}

/** Counts of SMS that count against each limit, and the times the cooldown runs from. */
export interface SmsCountsRow {
  toPhoneByUser: number;
  toPhoneToday: number;
  byUser: number;
  fromIp: number;
  /** SMS the client's network (IPv4 /24, IPv6 /48) had sent today: its share of the budget. */
  fromNetworkToday: number;
  /** SMS sent to the number's prefix in the last hour, and how many of them converted. */
  prefixSent: number;
  prefixConverted: number;
  lastSent: Date | null;
  lastPending: Date | null;
}

export interface SmsCountsQuery {
  toPhone: string;
  userId: string;
  clientSubject: string;
  clientNetwork: string;
  phoneSince: Date;
  userSince: Date;
  ipSince: Date;
  /** Start of the UTC day. */
  daySince: Date;
  pendingSince: Date;
  prefixSince: Date;
}

/** SMS sent (or of unknown outcome) in a window, and how many of them converted. */
export interface SmsConversionRow {
  sent: number;
  converted: number;
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
export type SmsCountKey = 'toPhone' | 'userId' | 'clientSubject';

const COUNT_KEYS: readonly SmsCountKey[] = ['toPhone', 'userId', 'clientSubject'];

/** Which rows count: an answered send counts against the caller's limits, never the number's. */
const COUNTED: Record<SmsCountKey, string> = {
  toPhone: "status NOT IN ('failed', 'answered')",
  userId: "status <> 'failed'",
  clientSubject: "status <> 'failed'",
};

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
           WHERE to_phone = $1 AND user_id = $2 AND status NOT IN ('failed', 'answered')
             AND created_at > $4) AS "toPhoneByUser",
         (SELECT count(*)::int FROM sms_messages
           WHERE to_phone = $1 AND status NOT IN ('failed', 'answered')
             AND created_at >= $8) AS "toPhoneToday",
         (SELECT count(*)::int FROM sms_messages
           WHERE user_id = $2 AND status <> 'failed' AND created_at > $5) AS "byUser",
         (SELECT count(*)::int FROM sms_messages
           WHERE client_subject = $3 AND status <> 'failed' AND created_at > $6) AS "fromIp",
         (SELECT max(created_at) FROM sms_messages
           WHERE user_id = $2 AND to_phone = $1 AND status IN ('sent', 'unknown')) AS "lastSent",
         (SELECT max(created_at) FROM sms_messages
           WHERE user_id = $2 AND to_phone = $1 AND status = 'pending' AND created_at > $7) AS "lastPending",
         (SELECT count(*)::int FROM sms_messages
           WHERE client_network = $9 AND status NOT IN ('failed', 'answered')
             AND created_at >= $8) AS "fromNetworkToday",
         prefix."prefixSent", prefix."prefixConverted"
         FROM (SELECT count(*)::int AS "prefixSent", count(converted_at)::int AS "prefixConverted"
                 FROM sms_messages
                WHERE left(to_phone, 10) = left($1, 10) AND status IN ('sent', 'unknown')
                  AND created_at > $10) AS prefix`,
      [
        query.toPhone,
        query.userId,
        query.clientSubject,
        query.phoneSince,
        query.userSince,
        query.ipSince,
        query.pendingSince,
        query.daySince,
        query.clientNetwork,
        query.prefixSince,
      ],
    );
    const row = rows[0];
    return { ...row, lastSent: asDate(row.lastSent), lastPending: asDate(row.lastPending) };
  }

  /**
   * When the `skip`-th oldest SMS matching `filter` (column values, all of them) since `since`
   * was reserved. An answered send counts only where the number is not part of the filter.
   */
  async countedAt(
    on: Queryable,
    filter: Partial<Record<SmsCountKey, string>>,
    since: Date,
    skip: number,
  ): Promise<Date | null> {
    const keys = COUNT_KEYS.filter((key) => filter[key] !== undefined);
    const counted = keys.includes('toPhone') ? COUNTED.toPhone : COUNTED.userId;
    const where = keys.map((key, i) => `${messages.column(key)} = $${i + 3}`).join(' AND ');
    const { rows } = await on.query<{ createdAt: Date | string }>(
      `SELECT created_at AS "createdAt" FROM sms_messages
        WHERE ${where} AND ${counted} AND created_at > $1
        ORDER BY created_at OFFSET $2 LIMIT 1`,
      [since, Math.max(0, skip), ...keys.map((key) => filter[key])],
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
      `WITH budget AS (SELECT set_config('${BUDGET_SETTING}', $13::text, true))
       INSERT INTO sms_messages (${messages.columns(RESERVATION_COLUMNS)}, status)
       SELECT $1::uuid, $2::uuid, $3::uuid, $4::varchar, $5::varchar, $6::varchar, $7::varchar,
              $8::varchar, $9::varchar, $10::varchar, $11::smallint, $12::timestamptz, 'pending'
         FROM budget`,
      [...RESERVATION_COLUMNS.map((property) => row[property]), String(dailyBudget)],
    );
  }

  /** SMS sent to one mobile operator's numbers since `since`, and how many converted. */
  async operatorConversion(
    on: Queryable,
    operator: string,
    since: Date,
  ): Promise<SmsConversionRow> {
    const { rows } = await on.query<SmsConversionRow>(
      `SELECT count(*)::int AS sent, count(converted_at)::int AS converted FROM sms_messages
        WHERE operator = $1 AND status IN ('sent', 'unknown') AND created_at > $2`,
      [operator, since],
    );
    return rows[0];
  }

  /**
   * A send answered without an SMS (PHONE_IN_USE, PHONE_ALREADY_VERIFIED), inside the caller's
   * transaction: a row that counts against the caller's own limits only (no budget slot).
   */
  async insertAnswered(
    transaction: Transaction,
    row: Pick<
      SmsMessage,
      'id' | 'userId' | 'toPhone' | 'clientIp' | 'clientSubject' | 'clientNetwork' | 'createdAt'
    >,
  ): Promise<void> {
    await transaction.query(
      `INSERT INTO sms_messages (id, user_id, to_phone, client_ip, client_subject, client_network,
                                 provider, status, created_at, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'none', 'answered', $7, $7)`,
      [
        row.id,
        row.userId,
        row.toPhone,
        row.clientIp,
        row.clientSubject,
        row.clientNetwork,
        row.createdAt,
      ],
    );
  }

  /**
   * The gateway took the SMS (`sent`), or may have (`unknown`): it keeps counting. `then`, a
   * caller's statement, runs in the same statement (joinStatements); its rows come back. Both are
   * committed without waiting for the disk: lost in a database crash, the row stays `pending`,
   * which counts against every limit as `sent` does (its budget slot was taken durably with it).
   */
  async markDelivered(
    id: string,
    status: 'sent' | 'unknown',
    attempt: SmsAttemptRow,
    then?: Statement,
  ): Promise<Record<string, unknown>[]> {
    const marked: Statement = {
      text: `UPDATE sms_messages SET ${SET_ATTEMPT}, status = $${AFTER_ATTEMPT} WHERE id = $1`,
      params: [id, ...attemptValues(attempt), status],
    };
    const statement = then ? joinStatements(marked, then, { waitForDisk: false }) : marked;
    const { rows } = await this.db.query(statement.text, statement.params);
    return rows;
  }

  /** Marks a pending row failed and gives its day's budget slot back, in one statement. */
  async markFailed(id: string, attempt: SmsAttemptRow): Promise<void> {
    await this.db.query(
      `WITH failed AS (
         UPDATE sms_messages SET ${SET_ATTEMPT}, status = 'failed'
          WHERE id = $1 AND status = 'pending'
          RETURNING created_at
       )
       UPDATE sms_daily_usage SET reserved = reserved - 1
        WHERE day = (SELECT (created_at AT TIME ZONE 'UTC')::date FROM failed) AND reserved > 0`,
      [id, ...attemptValues(attempt)],
    );
  }

  /**
   * Failover, in one statement: the pending row `id` is marked failed with its attempt, keeping
   * its budget slot, and a pending row `nextId` for `nextGateway` continues the same send
   * (`retry_of`: the budget trigger takes no slot for it). False when `id` was no longer pending.
   */
  async failOver(
    id: string,
    attempt: SmsAttemptRow,
    nextId: string,
    nextGateway: string,
  ): Promise<boolean> {
    const { rows } = await this.db.query(
      `WITH failed AS (
         UPDATE sms_messages SET ${SET_ATTEMPT}, status = 'failed'
          WHERE id = $1 AND status = 'pending'
          RETURNING *
       )
       INSERT INTO sms_messages (id, retry_of, provider, status, verification_id, user_id,
                                 to_phone, client_ip, client_subject, client_network, operator,
                                 encoding, segments, created_at)
       SELECT $${AFTER_ATTEMPT}::uuid, id, $${AFTER_ATTEMPT + 1}::varchar, 'pending',
              verification_id, user_id, to_phone, client_ip, client_subject, client_network,
              operator, encoding, segments, created_at
         FROM failed
       RETURNING id`,
      [id, ...attemptValues(attempt), nextId, nextGateway],
    );
    return rows.length > 0;
  }

  /**
   * Attempts in [from, to) per bucket, operator and gateway: a few hundred rows for a week by
   * hour, which the caller folds into buckets, operators and gateways. Attempts still pending
   * and answered sends (no SMS) are left out. One hash aggregate over the covering index on
   * created_at (docs/performance.md, "Statistics query on 1 M rows").
   */
  async countsPerBucket(window: StatisticsWindow): Promise<SmsCountsPerBucketRow[]> {
    const { rows } = await this.db.query<SmsCountsPerBucketRow>(
      `SELECT date_bin($3::interval, created_at, ${BUCKET_ORIGIN_SQL}) AS "start",
              operator, provider AS gateway,
              count(*) FILTER (WHERE status IN ('sent', 'unknown'))::int AS sent,
              count(*) FILTER (WHERE status = 'failed')::int AS refused,
              count(*) FILTER (WHERE status = 'unknown')::int AS unknown
         FROM ${messages.name}
        WHERE created_at >= $1 AND created_at < $2 AND status IN ('sent', 'unknown', 'failed')
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
