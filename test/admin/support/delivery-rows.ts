import { randomUUID } from 'node:crypto';
import type { Database } from '../../../src/database/database';

/**
 * Writes delivery-log and verification rows as the send path will once it records gateway
 * outcomes (one row per gateway attempt), so the statistics can be checked against a script of
 * sends whose every number is known. Plain SQL through the app's database port: the repositories
 * only write what today's send path writes.
 */
export interface ScriptedAttempt {
  readonly gateway: string;
  readonly outcome: 'sent' | 'refused' | 'unreached' | 'unknown';
  readonly latencyMs: number | null;
  /** Seconds after the verification was created. */
  readonly after?: number;
}

export interface ScriptedSend {
  readonly phone: string;
  readonly operator: string;
  readonly at: Date;
  readonly attempts: readonly ScriptedAttempt[];
  readonly approvedAt?: Date;
}

const STATUS_OF = { sent: 'sent', unknown: 'unknown', refused: 'failed', unreached: 'failed' };

export async function writeSend(db: Database, userId: string, send: ScriptedSend): Promise<string> {
  const verificationId = randomUUID();
  await db.query(
    `INSERT INTO phone_verifications
       (id, user_id, phone, status, attempts_left, send_count, expires_at, last_sent_at, approved_at, created_at)
     VALUES ($1, $2, $3, $4, 5, 1, $5::timestamptz + interval '10 minutes', $5, $6, $5)`,
    [
      verificationId,
      userId,
      send.phone,
      send.approvedAt ? 'approved' : 'expired',
      send.at,
      send.approvedAt ?? null,
    ],
  );
  let previous: string | null = null;
  for (const attempt of send.attempts) {
    const id = randomUUID();
    const at = new Date(send.at.getTime() + (attempt.after ?? 0) * 1000);
    await db.query(
      `INSERT INTO sms_messages
         (id, verification_id, user_id, to_phone, client_ip, provider, status, outcome, operator,
          latency_ms, retry_of, created_at, completed_at)
       VALUES ($1, $2, $3, $4, '127.0.0.1', $5, $6, $7, $8, $9, $10, $11, $11)`,
      [
        id,
        verificationId,
        userId,
        send.phone,
        attempt.gateway,
        STATUS_OF[attempt.outcome],
        attempt.outcome,
        send.operator,
        attempt.latencyMs,
        previous,
        at,
      ],
    );
    previous = attempt.outcome === 'refused' || attempt.outcome === 'unreached' ? id : null;
  }
  return verificationId;
}
