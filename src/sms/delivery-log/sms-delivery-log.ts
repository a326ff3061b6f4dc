import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { sqlStateOf } from '../../database/database-errors';
import { sql } from '../../database/sql';
import type { SmsReceipt } from '../sms-gateway';

export class SmsBudgetExhaustedError extends DomainError {
  readonly code = 'SMS_BUDGET_EXHAUSTED';
  readonly status = 503;
  constructor(retryAfterSeconds: number) {
    super('The service has sent all the SMS it may send today; try again tomorrow.', {
      retryAfterSeconds,
    });
  }
}

export interface SmsReservation {
  verificationId: string;
  userId: string;
  toPhone: string;
  clientIp: string;
  provider: string;
  at: Date;
}

/** How many SMS count against each limit right now (pending and sent; failed ones never count). */
export interface SmsUsage {
  toPhoneSince: number;
  byUserSince: number;
  fromIpSince: number;
  /** When this user last had an SMS sent to this number, for the resend cooldown. */
  lastSentByUserToPhone: Date | null;
  /**
   * When this user's latest SMS to this number still being sent was reserved; only rows younger
   * than `pendingSettlesWithinMs` (older ones died with their request).
   */
  lastPendingByUserToPhone: Date | null;
}

export interface SmsUsageQuery {
  toPhone: string;
  userId: string;
  clientIp: string;
  now: Date;
  phoneSince: Date;
  userSince: Date;
  ipSince: Date;
}

// Shared with migration TakeSmsBudgetAtCommit's trigger function.
const BUDGET_SETTING = 'phone_verify.sms_daily_budget';
const BUDGET_SPENT_SQLSTATE = 'PV001';

export type SmsCounter = 'toPhone' | 'byUser' | 'fromIp';

const COUNTER_COLUMN: Record<SmsCounter, string> = {
  toPhone: 'to_phone',
  byUser: 'user_id',
  fromIp: 'client_ip',
};

/**
 * The sms_messages delivery log and the daily budget. Limits are counted from here, in the
 * database, so they hold across any number of instances.
 */
@Injectable()
export class SmsDeliveryLog {
  /**
   * The longest a reserved send can stay in flight: two tries at the gateway timeout, plus room
   * for storing the outcome. A row still `pending` after that belongs to a request that died
   * (the database went away mid-send): it keeps counting against quotas and the budget, since
   * the SMS may have gone out, but no longer holds the user back with a cooldown.
   */
  readonly pendingSettlesWithinMs: number;

  constructor(
    @InjectEntityManager() private readonly entityManager: EntityManager,
    private readonly config: AppConfig,
  ) {
    this.pendingSettlesWithinMs = 2 * config.sms.sparrow.timeoutMs + 5000;
  }

  async usage(manager: EntityManager, query: SmsUsageQuery): Promise<SmsUsage> {
    const { rows } = await sql<{
      phone: number;
      user: number;
      ip: number;
      last_sent: Date | null;
      last_pending: Date | null;
    }>(
      manager,
      `SELECT
         (SELECT count(*)::int FROM sms_messages
           WHERE to_phone = $1 AND status <> 'failed' AND created_at > $4) AS phone,
         (SELECT count(*)::int FROM sms_messages
           WHERE user_id = $2 AND status <> 'failed' AND created_at > $5) AS "user",
         (SELECT count(*)::int FROM sms_messages
           WHERE client_ip = $3 AND status <> 'failed' AND created_at > $6) AS ip,
         (SELECT max(created_at) FROM sms_messages
           WHERE user_id = $2 AND to_phone = $1 AND status = 'sent') AS last_sent,
         (SELECT max(created_at) FROM sms_messages
           WHERE user_id = $2 AND to_phone = $1 AND status = 'pending' AND created_at > $7) AS last_pending`,
      [
        query.toPhone,
        query.userId,
        query.clientIp,
        query.phoneSince,
        query.userSince,
        query.ipSince,
        new Date(query.now.getTime() - this.pendingSettlesWithinMs),
      ],
    );
    const row = rows[0];
    return {
      toPhoneSince: row.phone,
      byUserSince: row.user,
      fromIpSince: row.ip,
      lastSentByUserToPhone: row.last_sent,
      lastPendingByUserToPhone: row.last_pending,
    };
  }

  /**
   * When the `skip`-th oldest counted SMS since `since` was reserved: once it leaves the window,
   * the count drops back under the limit. Only asked for on the (rare) refused path.
   */
  async countedAt(
    manager: EntityManager,
    counter: SmsCounter,
    value: string,
    since: Date,
    skip: number,
  ): Promise<Date | null> {
    const column = COUNTER_COLUMN[counter];
    const { rows } = await sql<{ created_at: Date }>(
      manager,
      `SELECT created_at FROM sms_messages
        WHERE ${column} = $1 AND status <> 'failed' AND created_at > $2
        ORDER BY created_at OFFSET $3 LIMIT 1`,
      [value, since, Math.max(0, skip)],
    );
    return rows[0]?.created_at ?? null;
  }

  /**
   * Writes the send's `pending` row inside the caller's transaction. Today's budget is taken
   * when that transaction commits (the deferred trigger of migration TakeSmsBudgetAtCommit, with
   * the budget handed over in a transaction setting), so the day's counter row is locked only
   * while the commit runs, not for the round trips until it. Over the budget, the commit fails:
   * map it with `budgetRefusal`.
   */
  async reserve(manager: EntityManager, reservation: SmsReservation): Promise<string> {
    const budget = this.config.sms.dailyBudget;
    if (budget === 0) throw new SmsBudgetExhaustedError(secondsUntilNextUtcDay(reservation.at));
    const id = randomUUID();
    await sql(
      manager,
      `WITH budget AS (SELECT set_config('${BUDGET_SETTING}', $8::text, true))
       INSERT INTO sms_messages (id, verification_id, user_id, to_phone, client_ip, provider, status, created_at)
       SELECT $1::uuid, $2::uuid, $3::uuid, $4::varchar, $5::varchar, $6::varchar, 'pending', $7::timestamptz
         FROM budget`,
      [
        id,
        reservation.verificationId,
        reservation.userId,
        reservation.toPhone,
        reservation.clientIp,
        reservation.provider,
        reservation.at,
        String(budget),
      ],
    );
    return id;
  }

  /** SmsBudgetExhaustedError when a reservation's commit was refused by the budget, else undefined. */
  budgetRefusal(error: unknown, at: Date): SmsBudgetExhaustedError | undefined {
    return sqlStateOf(error) === BUDGET_SPENT_SQLSTATE
      ? new SmsBudgetExhaustedError(secondsUntilNextUtcDay(at))
      : undefined;
  }

  async markSent(manager: EntityManager, id: string, receipt: SmsReceipt, at: Date): Promise<void> {
    await sql(
      manager,
      `UPDATE sms_messages
          SET status = 'sent', provider_code = $2, provider_message = $3, provider_message_id = $4, completed_at = $5
        WHERE id = $1`,
      [
        id,
        receipt.providerCode ?? null,
        clip(receipt.providerMessage),
        receipt.providerMessageId ?? null,
        at,
      ],
    );
  }

  /** The SMS did not go out: it stops counting against every limit and its budget slot comes back. */
  async markFailed(
    id: string,
    failure: { providerCode?: string; providerMessage?: string },
    at: Date,
  ): Promise<void> {
    await sql(
      this.entityManager,
      `WITH failed AS (
         UPDATE sms_messages
            SET status = 'failed', provider_code = $2, provider_message = $3, completed_at = $4
          WHERE id = $1 AND status = 'pending'
          RETURNING created_at
       )
       UPDATE sms_daily_usage SET reserved = reserved - 1
        WHERE day = (SELECT (created_at AT TIME ZONE 'UTC')::date FROM failed) AND reserved > 0`,
      [id, failure.providerCode ?? null, clip(failure.providerMessage), at],
    );
  }

  /** Retention: rows older than `before` go; budget rows too once their day is that old. */
  async deleteOlderThan(before: Date): Promise<number> {
    const { affected } = await sql(
      this.entityManager,
      'DELETE FROM sms_messages WHERE created_at < $1',
      [before],
    );
    await sql(this.entityManager, 'DELETE FROM sms_daily_usage WHERE day < $1', [utcDay(before)]);
    return affected;
  }
}

function clip(text: string | undefined): string | null {
  return text === undefined ? null : text.slice(0, 200);
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function secondsUntilNextUtcDay(at: Date): number {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - at.getTime()) / 1000));
}
