import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { foreignKeyViolationConstraint } from '../database/database-errors';
import { asDate, sql } from '../database/sql';
import type { AdvisoryLock } from '../database/transaction-with-locks';
import { PhoneVerification } from './phone-verification.entity';

// Advisory-lock namespaces (first key of pg_advisory_xact_lock(int, int)), so a user id and a
// phone number can never hash onto the same lock.
const LOCK_USER = 1001;
const LOCK_PHONE = 1002;
const LOCK_IP = 1003;

// Hot paths read rows with plain SQL and map them here: TypeORM's find/query builder cost more
// CPU per call than the statement itself (see docs in README, "Performance").
const COLUMNS = `id, user_id, phone, code_hash, status, attempts_left, send_count, expires_at,
  last_sent_at, approved_at, canceled_at, client_ip, created_at`;

interface VerificationRow {
  id: string;
  user_id: string;
  phone: string;
  code_hash: Uint8Array | null;
  status: PhoneVerification['status'];
  attempts_left: number;
  send_count: number;
  expires_at: Date | string;
  last_sent_at: Date | string | null;
  approved_at: Date | string | null;
  canceled_at: Date | string | null;
  client_ip: string | null;
  created_at: Date | string;
}

function toVerification(row: VerificationRow): PhoneVerification {
  return Object.assign(new PhoneVerification(), {
    id: row.id,
    userId: row.user_id,
    phone: row.phone,
    codeHash:
      row.code_hash === null || Buffer.isBuffer(row.code_hash)
        ? row.code_hash
        : Buffer.from(row.code_hash),
    status: row.status,
    attemptsLeft: Number(row.attempts_left),
    sendCount: Number(row.send_count),
    expiresAt: asDate(row.expires_at),
    lastSentAt: asDate(row.last_sent_at),
    approvedAt: asDate(row.approved_at),
    canceledAt: asDate(row.canceled_at),
    clientIp: row.client_ip,
    createdAt: asDate(row.created_at),
  } satisfies PhoneVerification);
}

/** A verification's values in the order of COLUMNS. */
function columnValues(v: PhoneVerification): unknown[] {
  return [
    v.id,
    v.userId,
    v.phone,
    v.codeHash,
    v.status,
    v.attemptsLeft,
    v.sendCount,
    v.expiresAt,
    v.lastSentAt,
    v.approvedAt,
    v.canceledAt,
    v.clientIp,
    v.createdAt,
  ];
}

async function selectOne(
  manager: EntityManager,
  text: string,
  params: readonly unknown[],
): Promise<PhoneVerification | null> {
  const { rows } = await sql<VerificationRow>(manager, text, params);
  return rows.length > 0 ? toVerification(rows[0]) : null;
}

/** A verification inserted for a user deleted in the meantime: their token is no longer good. */
function asAccountGone(error: unknown): unknown {
  return foreignKeyViolationConstraint(error) === 'phone_verifications_user_id_fkey'
    ? new UnauthenticatedError('This account no longer exists.')
    : error;
}

/** Rows of phone_verifications: every statement the lifecycle needs, and nothing else. */
@Injectable()
export class PhoneVerificationRepository {
  constructor(@InjectEntityManager() private readonly entityManager: EntityManager) {}

  /**
   * The locks a send holds for its whole reservation: sends that share a user, a number or a
   * client IP are serialised, so no two of them can both pass a limit that only one more send
   * fits under. Always in the same order (user, phone, IP), so two sends cannot deadlock.
   */
  sendLocks(userId: string, phone: string, clientIp: string): AdvisoryLock[] {
    return [
      { namespace: LOCK_USER, value: userId },
      { namespace: LOCK_PHONE, value: phone },
      { namespace: LOCK_IP, value: clientIp },
    ];
  }

  /**
   * Inserts `verification` unless its user already has a pending one, which is returned instead
   * (and nothing is inserted): a first send reads and writes in one statement.
   * @throws UnauthenticatedError when the account was deleted while its access token lives on
   */
  async insertUnlessPending(
    manager: EntityManager,
    verification: PhoneVerification,
  ): Promise<PhoneVerification | null> {
    try {
      return await selectOne(
        manager,
        `WITH pending AS (
           SELECT ${COLUMNS} FROM phone_verifications WHERE user_id = $2 AND status = 'pending'
         ), inserted AS (
           INSERT INTO phone_verifications (${COLUMNS})
           SELECT $1::uuid, $2::uuid, $3::varchar, $4::bytea, $5::varchar, $6::smallint,
                  $7::smallint, $8::timestamptz, $9::timestamptz, $10::timestamptz,
                  $11::timestamptz, $12::varchar, $13::timestamptz
            WHERE NOT EXISTS (SELECT 1 FROM pending)
         )
         SELECT ${COLUMNS} FROM pending`,
        columnValues(verification),
      );
    } catch (error) {
      throw asAccountGone(error);
    }
  }

  /** @throws UnauthenticatedError when the account was deleted while its access token lives on */
  async insert(manager: EntityManager, verification: PhoneVerification): Promise<void> {
    try {
      await sql(
        manager,
        `INSERT INTO phone_verifications (${COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        columnValues(verification),
      );
    } catch (error) {
      throw asAccountGone(error);
    }
  }

  /** Ends a pending verification: `canceled` when the user moved on, `expired` when its code ran out. */
  async close(
    manager: EntityManager,
    id: string,
    status: 'canceled' | 'expired',
    at: Date,
  ): Promise<void> {
    await sql(
      manager,
      `UPDATE phone_verifications SET status = $2::varchar, canceled_at = $3
        WHERE id = $1 AND status = 'pending'`,
      [id, status, status === 'canceled' ? at : null],
    );
  }

  /**
   * The gateway accepted an SMS: its code becomes the only valid one. Attempts are left as they
   * are (a new secret does not reset the failure count).
   */
  async activateCode(
    manager: EntityManager,
    id: string,
    codeHash: Buffer,
    sentAt: Date,
    expiresAt: Date,
  ): Promise<PhoneVerification | null> {
    const activated = await selectOne(
      manager,
      `UPDATE phone_verifications
          SET code_hash = $2, last_sent_at = $3, expires_at = $4, send_count = send_count + 1
        WHERE id = $1 AND status = 'pending'
        RETURNING ${COLUMNS}`,
      [id, codeHash, sentAt, expiresAt],
    );
    // Canceled while the SMS was on its way: the code stays unusable, the caller sees the row as it is.
    return (
      activated ??
      selectOne(manager, `SELECT ${COLUMNS} FROM phone_verifications WHERE id = $1`, [id])
    );
  }

  /** A verification created for an SMS that never went out leaves nothing behind. */
  async discardUnsent(id: string): Promise<void> {
    await sql(
      this.entityManager,
      'DELETE FROM phone_verifications WHERE id = $1 AND code_hash IS NULL',
      [id],
    );
  }

  /**
   * The caller's latest verification of this number that was sent a code, as it is now. Not
   * locked: a check judges on this read, then writes only if the row is still exactly what it
   * judged (see spendAttempt and approve), which costs two statements instead of a transaction.
   */
  findLatestSent(
    manager: EntityManager,
    userId: string,
    phone: string,
  ): Promise<PhoneVerification | null> {
    return selectOne(
      manager,
      `SELECT ${COLUMNS} FROM phone_verifications
        WHERE user_id = $1 AND phone = $2 AND code_hash IS NOT NULL
        ORDER BY created_at DESC
        LIMIT 1`,
      [userId, phone],
    );
  }

  /**
   * One wrong code: one attempt fewer, and `failed` at zero, provided the verification is still
   * pending with attempts left and the code that was judged. Returns the attempts left, or null
   * when the row changed since it was read (the caller judges again).
   */
  async spendAttempt(
    manager: EntityManager,
    id: string,
    judgedHash: Buffer,
  ): Promise<number | null> {
    const { rows } = await sql<{ attempts_left: number }>(
      manager,
      `UPDATE phone_verifications
          SET attempts_left = attempts_left - 1,
              status = CASE WHEN attempts_left - 1 <= 0 THEN 'failed' ELSE status END
        WHERE id = $1 AND status = 'pending' AND attempts_left > 0 AND code_hash = $2
        RETURNING attempts_left`,
      [id, judgedHash],
    );
    return rows.length > 0 ? Number(rows[0].attempts_left) : null;
  }

  /**
   * The right code: approved, on the same conditions as spendAttempt. False when the row changed
   * since it was read; of parallel checks of one code, only the first can pass these conditions.
   */
  async approve(
    manager: EntityManager,
    id: string,
    judgedHash: Buffer,
    at: Date,
  ): Promise<boolean> {
    const { affected } = await sql(
      manager,
      `UPDATE phone_verifications SET status = 'approved', approved_at = $3
        WHERE id = $1 AND status = 'pending' AND attempts_left > 0 AND code_hash = $2`,
      [id, judgedHash, at],
    );
    return affected > 0;
  }

  findOwned(userId: string, id: string): Promise<PhoneVerification | null> {
    return selectOne(
      this.entityManager,
      `SELECT ${COLUMNS} FROM phone_verifications WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
  }

  async cancelOwned(userId: string, id: string, at: Date): Promise<boolean> {
    await sql(
      this.entityManager,
      `UPDATE phone_verifications SET status = 'canceled', canceled_at = $3
        WHERE id = $1 AND user_id = $2 AND status = 'pending'`,
      [id, userId, at],
    );
    return (await this.findOwned(userId, id)) !== null;
  }

  async deleteOlderThan(before: Date): Promise<number> {
    const { affected } = await sql(
      this.entityManager,
      'DELETE FROM phone_verifications WHERE created_at < $1',
      [before],
    );
    return affected;
  }
}
