import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` with one pooled connection held throughout, for a use case of several statements
 * that need not all be one transaction: one checkout from the pool instead of one per
 * statement. `manager.transaction(...)` inside runs on this same connection.
 */
export async function withConnection<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    return await work(runner.manager);
  } finally {
    await runner.release();
  }
}
