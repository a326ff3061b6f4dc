import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery log records what each gateway said (API.md, "Gateway outcomes"), one row per
 * gateway attempt:
 * - `status` gains `unknown` (the request was written, no trustworthy answer came: the SMS may
 *   be on its way, so it counts against every limit and the budget like `sent` does) and
 *   `answered` (no SMS: the send was answered PHONE_IN_USE or PHONE_ALREADY_VERIFIED, which
 *   counts against the caller's own limits — per account and per IP — and nothing else, so that
 *   probing which numbers are registered costs what sending would);
 * - `outcome` (sent | refused | unreached | unknown) and `refusal_cause` (number | account |
 *   other) say what happened, `network`, `latency_ms`, `operator`, `encoding` and `segments`
 *   what an operator needs to read the bill;
 * - `client_subject` (the address, or an IPv6 client's /64: what the per-IP limit counts) and
 *   `client_network` (the IPv4 /24 or IPv6 /48: the fraud guard's network), each indexed;
 * - `retry_of`: a failover attempt continues an earlier row of the same send. The earlier row is
 *   marked failed without giving its budget slot back, and the trigger takes no new slot for
 *   this one: the send holds exactly one slot however many gateways it tried.
 *
 * Expand only: new nullable columns, a wider status check, a trigger that skips rows the
 * previous release never writes. The previous release keeps running against this schema.
 */
export class RecordGatewayOutcomes1796000000000 implements MigrationInterface {
  name = 'RecordGatewayOutcomes1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "sms_messages"
        ADD COLUMN "outcome" character varying(10),
        ADD COLUMN "refusal_cause" character varying(10),
        ADD COLUMN "operator" character varying(10),
        ADD COLUMN "network" character varying(20),
        ADD COLUMN "latency_ms" integer,
        ADD COLUMN "encoding" character varying(5),
        ADD COLUMN "segments" smallint,
        ADD COLUMN "client_subject" character varying(45),
        ADD COLUMN "client_network" character varying(45),
        ADD COLUMN "retry_of" uuid`);
    await queryRunner.query(
      `CREATE INDEX "sms_messages_client_subject_recent_idx" ON "sms_messages" ("client_subject", "created_at") WHERE "status" <> 'failed'`,
    );
    await queryRunner.query(
      `CREATE INDEX "sms_messages_client_network_recent_idx" ON "sms_messages" ("client_network", "created_at") WHERE "status" <> 'failed'`,
    );
    await queryRunner.query(`
      ALTER TABLE "sms_messages"
        DROP CONSTRAINT "sms_messages_status_check",
        ADD CONSTRAINT "sms_messages_status_check"
          CHECK ("status" IN ('pending', 'sent', 'failed', 'unknown', 'answered')),
        ADD CONSTRAINT "sms_messages_outcome_check"
          CHECK ("outcome" IN ('sent', 'refused', 'unreached', 'unknown'))`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION "sms_take_daily_budget"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        budget integer := nullif(current_setting('phone_verify.sms_daily_budget', true), '')::integer;
        taken integer;
      BEGIN
        IF NEW.retry_of IS NOT NULL OR NEW.status = 'answered' THEN
          RETURN NULL; -- a failover attempt keeps its send's slot; an answer is no SMS at all
        END IF;
        INSERT INTO sms_daily_usage (day, reserved)
             VALUES ((NEW.created_at AT TIME ZONE 'UTC')::date, 1)
        ON CONFLICT (day) DO UPDATE SET reserved = sms_daily_usage.reserved + 1
             WHERE budget IS NULL OR sms_daily_usage.reserved < budget;
        GET DIAGNOSTICS taken = ROW_COUNT;
        IF taken = 0 OR budget < 1 THEN
          RAISE EXCEPTION 'the daily SMS budget is spent' USING ERRCODE = 'PV001';
        END IF;
        RETURN NULL;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION "sms_take_daily_budget"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        budget integer := nullif(current_setting('phone_verify.sms_daily_budget', true), '')::integer;
        taken integer;
      BEGIN
        INSERT INTO sms_daily_usage (day, reserved)
             VALUES ((NEW.created_at AT TIME ZONE 'UTC')::date, 1)
        ON CONFLICT (day) DO UPDATE SET reserved = sms_daily_usage.reserved + 1
             WHERE budget IS NULL OR sms_daily_usage.reserved < budget;
        GET DIAGNOSTICS taken = ROW_COUNT;
        IF taken = 0 OR budget < 1 THEN
          RAISE EXCEPTION 'the daily SMS budget is spent' USING ERRCODE = 'PV001';
        END IF;
        RETURN NULL;
      END
      $$`);
    // the old code knows no `unknown`: such an SMS may have gone out, so it stays counted as sent
    await queryRunner.query(
      `UPDATE "sms_messages" SET "status" = 'sent' WHERE "status" = 'unknown'`,
    );
    await queryRunner.query(`DELETE FROM "sms_messages" WHERE "status" = 'answered'`);
    await queryRunner.query(`
      ALTER TABLE "sms_messages"
        DROP CONSTRAINT "sms_messages_outcome_check",
        DROP CONSTRAINT "sms_messages_status_check",
        ADD CONSTRAINT "sms_messages_status_check" CHECK ("status" IN ('pending', 'sent', 'failed'))`);
    await queryRunner.query(`
      ALTER TABLE "sms_messages"
        DROP COLUMN "retry_of", DROP COLUMN "client_network", DROP COLUMN "client_subject",
        DROP COLUMN "segments", DROP COLUMN "encoding",
        DROP COLUMN "latency_ms", DROP COLUMN "network", DROP COLUMN "operator",
        DROP COLUMN "refusal_cause", DROP COLUMN "outcome"`);
  }
}
