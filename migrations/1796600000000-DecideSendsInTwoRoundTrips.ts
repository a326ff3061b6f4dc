import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two functions that let a send reserve in two round trips to PostgreSQL instead of seven
 * (docs/performance.md, "Round trips of a send"). Both run inside the send's transaction, under
 * its advisory locks; neither decides a limit (the service does, on what `send_facts` returns).
 *
 * - `send_facts`: everything the send's decision reads, in one call: the delivery log's counts
 *   for every limit and the fraud guard's prefix hour, the number's verified owner, the client
 *   network's registrations of the last hour, and the blocks in force on the number or its
 *   prefix with whether either is allowlisted. It travels with BEGIN and the locks, so it runs
 *   after they are taken and reads with a snapshot taken then.
 * - `send_reserve`: the reservation, once the service allowed it: the user's pending
 *   verification is reused (same number, still running), or closed (`expired` for the same
 *   number, `canceled` for another) and a fresh one inserted; then the delivery log's `pending`
 *   row, with the day's budget handed to the commit-time trigger of TakeSmsBudgetAtCommit. It
 *   travels with COMMIT.
 *
 * The statements are those the repositories sent one by one before (PhoneVerificationRepository,
 * SmsMessageRepository, UsersRepository, PhoneBlockRepository); PL/pgSQL plans each once per
 * connection, as the named prepared statements did.
 */
export class DecideSendsInTwoRoundTrips1796600000000 implements MigrationInterface {
  name = 'DecideSendsInTwoRoundTrips1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION "send_facts"(
        p_phone varchar, p_prefix varchar, p_user_id uuid, p_client_subject varchar,
        p_client_network varchar, p_phone_since timestamptz, p_user_since timestamptz,
        p_ip_since timestamptz, p_pending_since timestamptz, p_day_since timestamptz,
        p_hour_since timestamptz, p_now timestamptz
      ) RETURNS TABLE (
        "toPhoneByUser" integer, "toPhoneToday" integer, "byUser" integer, "fromIp" integer,
        "lastSent" timestamptz, "lastPending" timestamptz, "fromNetworkToday" integer,
        "prefixSent" integer, "prefixConverted" integer, "ownerId" uuid,
        "networkRegistrations" integer, "blocks" json, "allowlisted" boolean
      ) LANGUAGE plpgsql VOLATILE AS $$
      #variable_conflict use_column
      BEGIN
        RETURN QUERY SELECT
          (SELECT count(*)::int FROM sms_messages
            WHERE to_phone = p_phone AND user_id = p_user_id
              AND status NOT IN ('failed', 'answered') AND created_at > p_phone_since),
          (SELECT count(*)::int FROM sms_messages
            WHERE to_phone = p_phone AND status NOT IN ('failed', 'answered')
              AND created_at >= p_day_since),
          (SELECT count(*)::int FROM sms_messages
            WHERE user_id = p_user_id AND status <> 'failed' AND created_at > p_user_since),
          (SELECT count(*)::int FROM sms_messages
            WHERE client_subject = p_client_subject AND status <> 'failed'
              AND created_at > p_ip_since),
          (SELECT max(created_at) FROM sms_messages
            WHERE user_id = p_user_id AND to_phone = p_phone AND status IN ('sent', 'unknown')),
          (SELECT max(created_at) FROM sms_messages
            WHERE user_id = p_user_id AND to_phone = p_phone AND status = 'pending'
              AND created_at > p_pending_since),
          (SELECT count(*)::int FROM sms_messages
            WHERE client_network = p_client_network AND status NOT IN ('failed', 'answered')
              AND created_at >= p_day_since),
          prefix.sent, prefix.converted,
          (SELECT id FROM users WHERE phone_number = p_phone AND phone_verified LIMIT 1),
          (SELECT count(*)::int FROM users
            WHERE registration_network = p_client_network AND created_at > p_hour_since),
          (SELECT json_agg(b) FROM (
             SELECT id, phone, prefix, source, reason, created_by AS "createdBy",
                    created_at AS "createdAt", expires_at AS "expiresAt",
                    lifted_at AS "liftedAt", lifted_by AS "liftedBy"
               FROM phone_blocks
              WHERE (phone = p_phone OR prefix = p_prefix) AND lifted_at IS NULL
                AND expires_at > p_now) b),
          EXISTS (SELECT 1 FROM phone_allowlist WHERE phone = p_phone OR prefix = p_prefix)
        FROM (SELECT count(*)::int AS sent, count(converted_at)::int AS converted
                FROM sms_messages
               WHERE left(to_phone, 10) = left(p_phone, 10) AND status IN ('sent', 'unknown')
                 AND created_at > p_hour_since) AS prefix;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION "send_reserve"(
        p_verification_id uuid, p_user_id uuid, p_phone varchar, p_attempts integer,
        p_expires_at timestamptz, p_client_ip varchar, p_now timestamptz, p_sms_id uuid,
        p_client_subject varchar, p_client_network varchar, p_provider varchar,
        p_operator varchar, p_encoding varchar, p_segments integer, p_daily_budget integer
      ) RETURNS TABLE ("verificationId" uuid, "created" boolean) LANGUAGE plpgsql VOLATILE AS $$
      #variable_conflict use_column
      DECLARE
        pending record;
        opened uuid := p_verification_id;
        fresh boolean := true;
      BEGIN
        SELECT id, phone, expires_at INTO pending
          FROM phone_verifications WHERE user_id = p_user_id AND status = 'pending';
        IF FOUND THEN
          IF pending.phone = p_phone AND pending.expires_at > p_now THEN
            opened := pending.id;
            fresh := false;
          ELSE
            UPDATE phone_verifications
               SET status = CASE WHEN pending.phone = p_phone THEN 'expired' ELSE 'canceled' END,
                   canceled_at = CASE WHEN pending.phone = p_phone THEN NULL ELSE p_now END
             WHERE id = pending.id AND status = 'pending';
          END IF;
        END IF;
        IF fresh THEN
          INSERT INTO phone_verifications (id, user_id, phone, code_hash, status, attempts_left,
                 send_count, expires_at, last_sent_at, approved_at, canceled_at, client_ip,
                 created_at)
          VALUES (opened, p_user_id, p_phone, NULL, 'pending', p_attempts, 0, p_expires_at,
                  NULL, NULL, NULL, p_client_ip, p_now);
        END IF;
        PERFORM set_config('phone_verify.sms_daily_budget', p_daily_budget::text, true);
        INSERT INTO sms_messages (id, verification_id, user_id, to_phone, client_ip,
               client_subject, client_network, provider, operator, encoding, segments,
               created_at, status)
        VALUES (p_sms_id, opened, p_user_id, p_phone, p_client_ip, p_client_subject,
                p_client_network, p_provider, p_operator, p_encoding, p_segments, p_now,
                'pending');
        RETURN QUERY SELECT opened, fresh;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "send_reserve"`);
    await queryRunner.query(`DROP FUNCTION "send_facts"`);
  }
}
