import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts. Usernames are unique case-insensitively (index on lower(username)); a phone number is
 * non-null only while verified, and its unique index gives each number at most one owner.
 */
export class CreateUsers1795300000000 implements MigrationInterface {
  name = 'CreateUsers1795300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "username" character varying(30) NOT NULL,
        "email" character varying(254),
        "password_hash" character varying(255) NOT NULL,
        "first_name" character varying(100),
        "last_name" character varying(100),
        "phone_number" character varying(16),
        "phone_verified" boolean NOT NULL DEFAULT false,
        "phone_verified_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "users_phone_verified_consistent" CHECK (
          (phone_number IS NOT NULL) = phone_verified AND (phone_verified_at IS NOT NULL) = phone_verified
        )
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "users_username_lower_key" ON "users" (lower("username"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "users_phone_number_key" ON "users" ("phone_number")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
