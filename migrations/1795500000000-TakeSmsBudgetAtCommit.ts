import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily SMS budget is taken when the send's reservation commits, by a deferred constraint
 * trigger on sms_messages, instead of by a statement inside the reservation transaction.
 *
 * Every send updates the one sms_daily_usage row of the day. Taken inside the transaction, that
 * row stayed locked until the app's COMMIT arrived, one network round trip later (more under
 * load): the benchmark found 3 to 7 of the app's 10 connections waiting on it at any moment,
 * a ceiling on sends across all instances. Taken at commit, the row is locked only while the
 * commit itself runs. Still exact: concurrent commits queue on the row lock, and a commit over
 * the budget raises PV001, which rolls back the whole reservation.
 *
 * The budget in force comes from the transaction setting `phone_verify.sms_daily_budget`, which
 * the reservation statement sets (set_config(..., true)); a row inserted without it (by hand)
 * is counted but never refused.
 */
export class TakeSmsBudgetAtCommit1795500000000 implements MigrationInterface {
  name = 'TakeSmsBudgetAtCommit1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION "sms_take_daily_budget"() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER "sms_messages_take_daily_budget"
        AFTER INSERT ON "sms_messages" DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION "sms_take_daily_budget"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "sms_messages_take_daily_budget" ON "sms_messages"`);
    await queryRunner.query(`DROP FUNCTION "sms_take_daily_budget"()`);
  }
}
