import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the fraud guard counts and remembers (API.md, "Fraud guard"):
 * - `sms_messages.converted_at`: when the code an SMS carried was approved (found by its
 *   verification, now indexed), so conversion
 *   (approved ÷ sent) per number prefix and per operator is counted from the delivery log alone,
 *   with an index on the prefix (`left(to_phone, 10)`: `+977` and the first six digits);
 * - `users.registration_network`: the client network (IPv4 /24, IPv6 /48) an account was
 *   registered from, indexed, for "many accounts from one network in an hour";
 * - `used_challenges`: proof-of-work challenges already spent, until they would have expired.
 *
 * Expand only: new nullable columns and a new table; the previous release neither reads nor
 * writes them.
 */
export class CreateFraudGuard1796400000000 implements MigrationInterface {
  name = 'CreateFraudGuard1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sms_messages" ADD COLUMN "converted_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "sms_messages_prefix_recent_idx" ON "sms_messages" (left("to_phone", 10), "created_at") WHERE "status" <> 'failed'`,
    );
    await queryRunner.query(
      `CREATE INDEX "sms_messages_verification_idx" ON "sms_messages" ("verification_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD COLUMN "registration_network" character varying(45)`,
    );
    await queryRunner.query(
      `CREATE INDEX "users_registration_network_idx" ON "users" ("registration_network", "created_at") WHERE "registration_network" IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "used_challenges" (
        "signature" character varying(128) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "used_challenges_pkey" PRIMARY KEY ("signature")
      )`);
    await queryRunner.query(
      `CREATE INDEX "used_challenges_expires_at_idx" ON "used_challenges" ("expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "used_challenges"`);
    await queryRunner.query(`DROP INDEX "users_registration_network_idx"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "registration_network"`);
    await queryRunner.query(`DROP INDEX "sms_messages_verification_idx"`);
    await queryRunner.query(`DROP INDEX "sms_messages_prefix_recent_idx"`);
    await queryRunner.query(`ALTER TABLE "sms_messages" DROP COLUMN "converted_at"`);
  }
}
