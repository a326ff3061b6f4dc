import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` with one pooled connection held throughout, for a use case of several statements
 * that need not all be one transaction: one checkout from the pool instead of one per
 * statement. `manager.transaction(...)` inside runs on this same connection; `client` is that
 * connection itself, for what TypeORM does not offer.
 */
export async function withConnection<T>(
  dataSource: DataSource,
  work: (manager: EntityManager, client: PoolClient) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    return await work(runner.manager, client);
  } finally {
    await runner.release();
  }
}
