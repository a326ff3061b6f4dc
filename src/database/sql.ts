import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const statementNames = new Map<string, string>();

/**
 * A server-side prepared statement per distinct text: PostgreSQL parses and plans it once per
 * connection instead of on every call. For the short statements of a send or a check, planning
 * took several times longer than executing (EXPLAIN in bench/explain.ts).
 */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `pv_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs one parameterised statement on the manager's connection (the transaction's, when inside
 * one) and returns its rows and affected-row count. Goes to the pg client directly, as a named
 * prepared statement: TypeORM's `manager.query` adds CPU on every call and changes its result's
 * shape for UPDATE/DELETE. The texts must be constants (values go in `params`), or the
 * statement cache would grow with them.
 */
export async function sql<Row>(
  manager: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<{ rows: Row[]; affected: number }> {
  const query = { name: statementName(text), text, values: [...params] };
  if (manager.queryRunner) {
    const client = (await manager.queryRunner.connect()) as PoolClient;
    return asResult<Row>(await client.query(query));
  }
  // A statement of its own: a connection straight from the pool, without a TypeORM QueryRunner
  // around it (building and releasing one costs more CPU than a short statement). A connection
  // that broke is not queryable any more, and pg's pool drops it on release.
  const client = await poolOf(manager).connect();
  try {
    return asResult<Row>(await client.query(query));
  } finally {
    client.release();
  }
}

function asResult<Row>(result: QueryResult): { rows: Row[]; affected: number } {
  const rows = result.rows as Row[];
  return { rows, affected: result.rowCount ?? rows.length };
}

function poolOf(manager: EntityManager): Pool {
  return (manager.connection.driver as PostgresDriver).master as Pool;
}

/** pg gives timestamptz as a Date, PGlite's adapter sometimes as text: rows read with sql() agree. */
export function asDate(value: Date | string): Date;
export function asDate(value: Date | string | null): Date | null;
export function asDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}
