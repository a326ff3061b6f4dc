import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SMS delivery log (never the text or the code) and the per-UTC-day budget counter. Partial
 * indexes on rows that count (`status <> 'failed'`) serve each send-limit query.
 */
export class CreateSmsDeliveryLog1795400060000 implements MigrationInterface {
  name = 'CreateSmsDeliveryLog1795400060000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "sms_messages" (
        "id" uuid NOT NULL,
        "verification_id" uuid,
        "user_id" uuid,
        "to_phone" character varying(16) NOT NULL,
        "client_ip" character varying(45),
        "provider" character varying(20) NOT NULL,
        "status" character varying(10) NOT NULL,
        "provider_code" character varying(32),
        "provider_message" character varying(200),
        "provider_message_id" character varying(100),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "completed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "sms_messages_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "sms_messages_status_check" CHECK ("status" IN ('pending', 'sent', 'failed'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "sms_messages_to_phone_recent_idx" ON "sms_messages" ("to_phone", "created_at") WHERE "status" <> 'failed'`,
    );
    await queryRunner.query(
      `CREATE INDEX "sms_messages_user_recent_idx" ON "sms_messages" ("user_id", "created_at") WHERE "status" <> 'failed'`,
    );
    await queryRunner.query(
      `CREATE INDEX "sms_messages_client_ip_recent_idx" ON "sms_messages" ("client_ip", "created_at") WHERE "status" <> 'failed'`,
    );
    await queryRunner.query(
      `CREATE INDEX "sms_messages_created_at_idx" ON "sms_messages" ("created_at")`,
    );
    await queryRunner.query(`
      CREATE TABLE "sms_daily_usage" (
        "day" date NOT NULL,
        "reserved" integer NOT NULL DEFAULT '0',
        CONSTRAINT "sms_daily_usage_pkey" PRIMARY KEY ("day")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sms_daily_usage"`);
    await queryRunner.query(`DROP TABLE "sms_messages"`);
  }
}
