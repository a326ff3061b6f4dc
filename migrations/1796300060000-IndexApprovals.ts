import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statistics API counts approvals per hour or day by `approved_at`, which no index served:
 * a week of approvals on a million verifications was a scan of the whole table (≈ 320 ms). A
 * partial index on approved verifications, carrying the phone number (for the operator), makes
 * it an index-only scan (≈ 50 ms; docs/performance.md, "Statistics query on 1 M rows").
 *
 * Built CONCURRENTLY, outside a transaction: sends and checks keep writing the table meanwhile.
 * A build that failed half-way leaves an invalid index, which `up` drops and builds again.
 */
export class IndexApprovals1796300060000 implements MigrationInterface {
  name = 'IndexApprovals1796300060000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX CONCURRENTLY IF EXISTS "phone_verifications_approved_at_idx"`,
    );
    await queryRunner.query(
      `CREATE INDEX CONCURRENTLY "phone_verifications_approved_at_idx" ON "phone_verifications" ("approved_at") INCLUDE ("phone") WHERE "approved_at" IS NOT NULL`,
    );
  }

  /** Plainly (a drop is quick): TypeORM's revert runs `down` inside a transaction whatever `transaction` says. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "phone_verifications_approved_at_idx"`);
  }
}
