import { Injectable } from '@nestjs/common';
import {
  BUCKET_INTERVAL,
  BUCKET_ORIGIN_SQL,
  StatisticsWindow,
} from '../common/statistics/statistics-window';
import {
  AdvisoryLock,
  Database,
  InlineStatement,
  Queryable,
  Statement,
  Transaction,
} from '../database/database';
import { asDate, tableOf } from '../database/table';
import type {
  SmsCountsQuery,
  SmsCountsRow,
  SmsReservationRow,
} from '../sms/delivery-log/sms-delivery-log';
import { PhoneVerification } from './phone-verification.entity';

// Advisory-lock namespaces (first key of pg_advisory_xact_lock(int, int)), so a user id and a
// phone number can never hash onto the same lock.
const LOCK_USER = 1001;
const LOCK_PHONE = 1002;
const LOCK_IP = 1003;

const verifications = tableOf(PhoneVerification);
const T = verifications.name;
const ALL = verifications.select;

/**
 * `status = $n` with this value, where a statement finds its row by id: written as a literal, the
 * condition matches the predicate of the partial index of pending verifications, and a plan made
 * while that index looked empty (a new database's statistics) kept scanning all of it, once per
 * statement, as pending verifications piled up (docs/performance.md, "Findings").
 */
const PENDING = 'pending';

/** The keys and windows of a send's `send_facts`. */
export interface SendFactsQuery extends SmsCountsQuery {
  /** The number's prefix, for blocks and the allowlist. */
  prefix: string | undefined;
  now: Date;
}

/** What `send_facts` read. */
export interface SendFactsRow extends SmsCountsRow {
  /** The account that verified this number, if any. */
  ownerId: string | null;
  /** Accounts registered from the client's network since `prefixSince` (the last hour). */
  networkRegistrations: number;
  /** Blocks in force on the number or its prefix, with the entity's property names. */
  blocks: Array<Record<string, unknown>> | null;
  allowlisted: boolean;
}

/** The SQL of `phone_verifications`: every statement the lifecycle needs, and nothing else. */
@Injectable()
export class PhoneVerificationRepository {
  constructor(private readonly db: Database) {}

  /**
   * The locks a send holds for its whole reservation: sends that share a user, a number or a
   * client IP are serialised, so no two of them can both pass a limit that only one more send
   * fits under. Always in the same order (user, phone, IP), so two sends cannot deadlock.
   */
  sendLocks(userId: string, phone: string, clientSubject: string): AdvisoryLock[] {
    return [
      { namespace: LOCK_USER, value: userId },
      { namespace: LOCK_PHONE, value: phone },
      { namespace: LOCK_IP, value: clientSubject },
    ];
  }

  /**
   * Everything a send's decision reads, as one call of `send_facts` (migration
   * DecideSendsInTwoRoundTrips) to send with BEGIN and the send's locks: the delivery log's
   * counts, the number's verified owner, the network's registrations of the last hour, and the
   * blocks and allowlist entries on the number or its prefix. Read with `sendFactsFrom`.
   */
  sendFacts(query: SendFactsQuery): InlineStatement {
    return {
      text: 'SELECT * FROM send_facts($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      params: [
        query.toPhone,
        query.prefix ?? null,
        query.userId,
        query.clientSubject,
        query.clientNetwork,
        query.phoneSince,
        query.userSince,
        query.ipSince,
        query.pendingSince,
        query.daySince,
        query.prefixSince,
        query.now,
      ],
    };
  }

  sendFactsFrom(row: Record<string, unknown>): SendFactsRow {
    const facts = row as unknown as SendFactsRow;
    return { ...facts, lastSent: asDate(facts.lastSent), lastPending: asDate(facts.lastPending) };
  }

  /**
   * The reservation of an allowed send, as one call of `send_reserve` to send with COMMIT: the
   * user's pending verification of this number when still running (a resend), else `fresh`
   * after closing any other pending one (`expired` for this number, `canceled` for another);
   * then the delivery log's `pending` row for it (`sms`, whose verification id is replaced by
   * the one opened), with the day's budget for the commit-time trigger. The row it gives back
   * says which verification, and whether it is `fresh`.
   */
  sendReserve(
    fresh: PhoneVerification,
    sms: SmsReservationRow,
    dailyBudget: number,
  ): InlineStatement {
    return {
      text: `SELECT "verificationId", created FROM send_reserve(
               $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      params: [
        fresh.id,
        fresh.userId,
        fresh.phone,
        fresh.attemptsLeft,
        fresh.expiresAt,
        fresh.clientIp,
        fresh.createdAt,
        sms.id,
        sms.clientSubject,
        sms.clientNetwork,
        sms.provider,
        sms.operator,
        sms.encoding,
        sms.segments,
        dailyBudget,
      ],
    };
  }

  /**
   * The gateway accepted an SMS: its code becomes the only valid one. Attempts are left as they
   * are (a new secret does not reset the failure count). Run with the SMS's record
   * (`SmsSend.onDelivered`); `activated` reads its rows. Lost in a database crash, the code never
   * works and a new one must be sent: safe, and rare enough not to wait for the disk.
   */
  activation(id: string, codeHash: Buffer, sentAt: Date, expiresAt: Date): Statement {
    return {
      text: `UPDATE ${T}
                SET code_hash = $2, last_sent_at = $3, expires_at = $4, send_count = send_count + 1
              WHERE id = $1 AND status = $5
              RETURNING ${ALL}`,
      params: [id, codeHash, sentAt, expiresAt, PENDING],
    };
  }

  /**
   * The verification as its activation left it, or as it is now when the activation found it no
   * longer pending (canceled while the SMS was on its way: its code then stays unusable).
   */
  async activated(
    id: string,
    rows: readonly Record<string, unknown>[] | undefined,
  ): Promise<PhoneVerification | null> {
    if (rows && rows.length > 0) return verifications.fromRow(rows[0]);
    return this.one(this.db, `SELECT ${ALL} FROM ${T} WHERE id = $1`, [id]);
  }

  /** A verification created for an SMS that never went out leaves nothing behind. */
  async deleteUnsent(id: string): Promise<void> {
    await this.db.query(`DELETE FROM ${T} WHERE id = $1 AND code_hash IS NULL`, [id]);
  }

  /**
   * The caller's latest verification of this number that was sent a code, as it is now. Not
   * locked: a check judges on this read, then writes only if the row is still exactly what it
   * judged (see spendAttempt and approve), which costs two statements instead of a transaction.
   */
  findLatestSent(on: Queryable, userId: string, phone: string): Promise<PhoneVerification | null> {
    return this.one(
      on,
      `SELECT ${ALL} FROM ${T}
        WHERE user_id = $1 AND phone = $2 AND code_hash IS NOT NULL
        ORDER BY created_at DESC
        LIMIT 1`,
      [userId, phone],
    );
  }

  /**
   * One wrong code: one attempt fewer, and `failed` at zero, provided the verification is still
   * pending with attempts left and the code that was judged. Returns the attempts left, or null
   * when the row changed since it was read.
   */
  async spendAttempt(on: Queryable, id: string, judgedHash: Buffer): Promise<number | null> {
    const { rows } = await on.query(
      `UPDATE ${T}
          SET attempts_left = attempts_left - 1,
              status = CASE WHEN attempts_left - 1 <= 0 THEN 'failed' ELSE status END
        WHERE id = $1 AND status = $3 AND attempts_left > 0 AND code_hash = $2
        RETURNING attempts_left AS "attemptsLeft"`,
      [id, judgedHash, PENDING],
    );
    return rows.length > 0 ? verifications.fromRow<'attemptsLeft'>(rows[0]).attemptsLeft : null;
  }

  /**
   * The right code: approved, on the same conditions as spendAttempt. False when the row changed
   * since it was read; of parallel checks of one code, only the first can pass these conditions.
   */
  async approve(
    transaction: Transaction,
    id: string,
    judgedHash: Buffer,
    at: Date,
  ): Promise<boolean> {
    const { affected } = await transaction.query(
      `UPDATE ${T} SET status = 'approved', approved_at = $3
        WHERE id = $1 AND status = $4 AND attempts_left > 0 AND code_hash = $2`,
      [id, judgedHash, at, PENDING],
    );
    return affected > 0;
  }

  findOwned(userId: string, id: string): Promise<PhoneVerification | null> {
    return this.one(this.db, `SELECT ${ALL} FROM ${T} WHERE id = $1 AND user_id = $2`, [
      id,
      userId,
    ]);
  }

  /** Cancels the user's verification if pending; whether the user has one with that id at all. */
  async cancelOwned(userId: string, id: string, at: Date): Promise<boolean> {
    const { rows } = await this.db.query(
      `WITH canceled AS (
         UPDATE ${T} SET status = 'canceled', canceled_at = $3
          WHERE id = $1 AND user_id = $2 AND status = $4
       )
       SELECT 1 FROM ${T} WHERE id = $1 AND user_id = $2`,
      [id, userId, at, PENDING],
    );
    return rows.length > 0;
  }

  /**
   * Verifications approved in [from, to), per bucket and mobile range (the first three digits of
   * the national number), through the partial index on approved_at.
   */
  async approvalsPerBucket(
    window: StatisticsWindow,
  ): Promise<Array<{ start: Date; range: string; approved: number }>> {
    const { rows } = await this.db.query<{ start: Date; range: string; approved: number }>(
      `SELECT date_bin($3::interval, approved_at, ${BUCKET_ORIGIN_SQL}) AS "start",
              substr(phone, 5, 3) AS "range", count(*)::int AS approved
         FROM ${T}
        WHERE approved_at >= $1 AND approved_at < $2
        GROUP BY 1, 2`,
      [window.from, window.to, BUCKET_INTERVAL[window.bucket]],
    );
    return rows.map((row) => ({ ...row, start: asDate(row.start) }));
  }

  async deleteOlderThan(before: Date): Promise<number> {
    const { affected } = await this.db.query(`DELETE FROM ${T} WHERE created_at < $1`, [before]);
    return affected;
  }

  private async one(
    on: Queryable,
    text: string,
    params: readonly unknown[],
  ): Promise<PhoneVerification | null> {
    const { rows } = await on.query(text, params);
    return rows.length > 0 ? verifications.fromRow(rows[0]) : null;
  }
}
