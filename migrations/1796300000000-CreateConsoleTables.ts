import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator console's tables:
 * - `send_refusal_counts`: sends refused before any SMS, per UTC hour and reason (the metrics
 *   module adds its in-memory counts every few seconds), for the statistics API;
 * - `phone_blocks`: blocks on a number or a prefix, by an operator or by the fraud guard. Lifted
 *   blocks stay (`lifted_at`) so the guard can count repeats within 24 hours;
 * - `phone_allowlist`: numbers and prefixes the fraud guard leaves alone, one entry each.
 *
 * Expand only: new tables the previous release never reads.
 */
export class CreateConsoleTables1796300000000 implements MigrationInterface {
  name = 'CreateConsoleTables1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "send_refusal_counts" (
        "hour" TIMESTAMP WITH TIME ZONE NOT NULL,
        "reason" character varying(10) NOT NULL,
        "count" integer NOT NULL,
        CONSTRAINT "send_refusal_counts_pkey" PRIMARY KEY ("hour", "reason"),
        CONSTRAINT "send_refusal_counts_reason_check"
          CHECK ("reason" IN ('cooldown', 'phone', 'user', 'ip', 'budget', 'blocked', 'challenge'))
      )`);
    await queryRunner.query(`
      CREATE TABLE "phone_blocks" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "phone" character varying(16),
        "prefix" character varying(6),
        "source" character varying(10) NOT NULL,
        "reason" character varying(200) NOT NULL,
        "created_by" character varying(30),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "lifted_at" TIMESTAMP WITH TIME ZONE,
        "lifted_by" character varying(30),
        CONSTRAINT "phone_blocks_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "phone_blocks_one_target_check" CHECK (("phone" IS NULL) <> ("prefix" IS NULL)),
        CONSTRAINT "phone_blocks_source_check" CHECK ("source" IN ('operator', 'auto'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "phone_blocks_phone_idx" ON "phone_blocks" ("phone", "created_at") WHERE "phone" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "phone_blocks_prefix_idx" ON "phone_blocks" ("prefix", "created_at") WHERE "prefix" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "phone_blocks_in_force_idx" ON "phone_blocks" ("expires_at") WHERE "lifted_at" IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "phone_allowlist" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "phone" character varying(16),
        "prefix" character varying(6),
        "note" character varying(200) NOT NULL,
        "created_by" character varying(30),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "phone_allowlist_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "phone_allowlist_one_target_check" CHECK (("phone" IS NULL) <> ("prefix" IS NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "phone_allowlist_phone_key" ON "phone_allowlist" ("phone") WHERE "phone" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "phone_allowlist_prefix_key" ON "phone_allowlist" ("prefix") WHERE "prefix" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "phone_allowlist"`);
    await queryRunner.query(`DROP TABLE "phone_blocks"`);
    await queryRunner.query(`DROP TABLE "send_refusal_counts"`);
  }
}
