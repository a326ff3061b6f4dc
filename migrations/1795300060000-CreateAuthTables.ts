import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refresh tokens (hashes only; `family_id` groups one login's rotations) and failed logins,
 * counted per (hashed) lower-cased username and client IP inside a sliding window.
 */
export class CreateAuthTables1795300060000 implements MigrationInterface {
  name = 'CreateAuthTables1795300060000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "family_id" uuid NOT NULL,
        "token_hash" character varying(64) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "refresh_tokens_user_id_fkey" FOREIGN KEY ("user_id")
          REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "refresh_tokens_user_id_idx" ON "refresh_tokens" ("user_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens" ("family_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "login_failures" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "username_key" character varying(64) NOT NULL,
        "client_ip" character varying(64) NOT NULL,
        "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "login_failures_pkey" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "login_failures_lookup_idx" ON "login_failures" ("username_key", "client_ip", "failed_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "login_failures_failed_at_idx" ON "login_failures" ("failed_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "login_failures"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
  }
}
