import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The indexes the statistics API reads through (docs/performance.md, "Statistics query on 1 M
 * rows"):
 * - approvals are counted per hour or day by `approved_at`, which no index served (a week on a
 *   million verifications scanned the whole table, ≈ 320 ms): a partial index on approved
 *   verifications, carrying the phone number for the operator, makes it an index-only scan;
 * - the delivery log is counted by `created_at` and the columns the counts group on. The index
 *   on `created_at` (which retention deletes through) is replaced by one with the same key that
 *   also carries status, gateway, operator and latency, so the counts and the latency
 *   percentiles read the index alone (a week: ≈ 150 → 70 ms). The send path still maintains
 *   one index on `created_at`, a little wider.
 *
 * Built CONCURRENTLY, outside a transaction, so sends and checks keep writing meanwhile; a
 * build that failed half-way leaves an invalid index, which `up` drops and builds again.
 * Expand, then contract: the new index exists before the old one goes.
 */
export class IndexStatistics1796300060000 implements MigrationInterface {
  name = 'IndexStatistics1796300060000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX CONCURRENTLY IF EXISTS "phone_verifications_approved_at_idx"`,
    );
    await queryRunner.query(
      `CREATE INDEX CONCURRENTLY "phone_verifications_approved_at_idx" ON "phone_verifications" ("approved_at") INCLUDE ("phone") WHERE "approved_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `DROP INDEX CONCURRENTLY IF EXISTS "sms_messages_created_at_covering_idx"`,
    );
    await queryRunner.query(
      `CREATE INDEX CONCURRENTLY "sms_messages_created_at_covering_idx" ON "sms_messages" ("created_at") INCLUDE ("status", "provider", "operator", "latency_ms")`,
    );
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "sms_messages_created_at_idx"`);
  }

  /** Plainly: TypeORM's revert runs `down` inside a transaction, whatever `transaction` says. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "sms_messages_created_at_idx" ON "sms_messages" ("created_at")`,
    );
    await queryRunner.query(`DROP INDEX IF EXISTS "sms_messages_created_at_covering_idx"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "phone_verifications_approved_at_idx"`);
  }
}
