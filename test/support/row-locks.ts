import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'pg';

/**
 * Row locks a test holds in a transaction of its own, to park the service's writes to those
 * rows at a chosen point: each statement that writes a locked row waits in PostgreSQL until
 * `release`. Waiters on one row are served first come, first served (PostgreSQL queues them on
 * the tuple lock), so the order in which a test lets them queue is the order they then run in.
 * Reads are not blocked: a statement that only reads goes on as if nothing were held.
 */
export interface HeldRowLocks {
  release(): Promise<void>;
}

/** Runs `selectForUpdate` (a `SELECT … FOR NO KEY UPDATE`) in a transaction left open. */
export async function holdRowLocks(
  client: Client,
  selectForUpdate: string,
  params: readonly unknown[],
): Promise<HeldRowLocks> {
  await client.query('BEGIN');
  const { rowCount } = await client.query(selectForUpdate, [...params]);
  if (!rowCount) {
    await client.query('ROLLBACK');
    throw new Error('holdRowLocks: the statement locked no row');
  }
  return {
    release: async () => {
      await client.query('COMMIT');
    },
  };
}

/**
 * Resolves once `count` sessions of this database (other than `client`'s) wait for a lock, with
 * the statements they wait in; throws after `timeoutMs` naming what does wait.
 */
export async function waitForLockWaiters(
  client: Client,
  count: number,
  timeoutMs = 10_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ query: string }>(
      `SELECT query FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
        ORDER BY query_start`,
    );
    if (rows.length >= count) return rows.map((row) => row.query);
    if (Date.now() > deadline) {
      throw new Error(
        `waited ${timeoutMs} ms for ${count} lock waiter(s); waiting: ${JSON.stringify(rows)}`,
      );
    }
    await sleep(10);
  }
}
