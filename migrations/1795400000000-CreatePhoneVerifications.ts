import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verifications. The code is stored only as an HMAC (`code_hash`, null until an SMS carrying it
 * was accepted). A partial unique index allows at most one pending verification per user.
 */
export class CreatePhoneVerifications1795400000000 implements MigrationInterface {
  name = 'CreatePhoneVerifications1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "phone_verifications" (
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "phone" character varying(16) NOT NULL,
        "code_hash" bytea,
        "status" character varying(10) NOT NULL,
        "attempts_left" smallint NOT NULL,
        "send_count" smallint NOT NULL DEFAULT '0',
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "last_sent_at" TIMESTAMP WITH TIME ZONE,
        "approved_at" TIMESTAMP WITH TIME ZONE,
        "canceled_at" TIMESTAMP WITH TIME ZONE,
        "client_ip" character varying(45),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "phone_verifications_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "phone_verifications_status_check"
          CHECK ("status" IN ('pending', 'approved', 'canceled', 'expired', 'failed')),
        CONSTRAINT "phone_verifications_user_id_fkey" FOREIGN KEY ("user_id")
          REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "phone_verifications_one_pending_per_user_key" ON "phone_verifications" ("user_id") WHERE "status" = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "phone_verifications_user_phone_idx" ON "phone_verifications" ("user_id", "phone", "created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "phone_verifications_created_at_idx" ON "phone_verifications" ("created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "phone_verifications"`);
  }
}
