import type { EntityManager } from 'typeorm';

/**
 * Runs one parameterised statement on the manager's connection (the transaction's, when inside
 * one) and returns its rows and affected-row count. TypeORM's `manager.query` changes shape for
 * UPDATE/DELETE; this does not.
 */
export async function sql<Row>(
  manager: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<{ rows: Row[]; affected: number }> {
  const runner = manager.queryRunner ?? manager.dataSource.createQueryRunner();
  try {
    const result = await runner.query(text, [...params], true);
    const rows = (result.records ?? []) as Row[];
    return { rows, affected: result.affected ?? rows.length };
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
