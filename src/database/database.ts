import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';

/** What a statement gave back: its rows, and how many rows it touched. */
export interface Rows<Row> {
  readonly rows: Row[];
  readonly affected: number;
}

/** Anything a repository can run one statement on: the pool, a held connection, a transaction. */
export interface Queryable {
  /**
   * One parameterised statement. `text` must be a constant (values go in `params`): each
   * distinct text becomes a prepared statement, parsed and planned once per connection.
   */
  query<Row = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<Rows<Row>>;
}

/** A transaction-level advisory lock: a namespace, and the value locked within it. */
export interface AdvisoryLock {
  readonly namespace: number;
  readonly value: string;
}

/** The lock's second key: 32 bits of the value's SHA-256 (a collision only serialises more). */
export function advisoryLockKey(value: string): number {
  return createHash('sha256').update(value).digest().readInt32BE(0);
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `pv_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
    statementNames.set(text, name);
  }
  return name;
}

async function run<Row>(
  client: Pick<PoolClient, 'query'>,
  text: string,
  params: readonly unknown[],
): Promise<Rows<Row>> {
  const result: QueryResult = await client.query({
    name: statementName(text),
    text,
    values: [...params],
  });
  const rows = result.rows as Row[];
  return { rows, affected: result.rowCount ?? rows.length };
}

/**
 * The one way the service talks to PostgreSQL at run time (TypeORM keeps the entities, the
 * migrations and the CLI): plain SQL on pg's pool. A statement of its own takes a pooled
 * connection; `withConnection` holds one for a use case of several statements; `transaction`
 * runs a unit of work that begins holding advisory locks. A `Transaction` can run statements and
 * nothing else, so no code inside one can commit it halfway or start another.
 *
 * On the embedded database the pool has a single connection: inside `withConnection` or
 * `transaction`, use the connection or transaction handed to you, never this object (it would
 * wait for the connection you hold).
 */
export class Database implements Queryable {
  constructor(private readonly pool: Pool) {}

  query<Row = Record<string, unknown>>(
    text: string,
    params: readonly unknown[] = [],
  ): Promise<Rows<Row>> {
    return this.withClient((client) => run<Row>(client, text, params));
  }

  /** Runs `work` holding one pooled connection: one checkout for several statements. */
  withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    return this.withClient((client, markBroken) => work(new Connection(client, markBroken)));
  }

  /** `work` in a transaction on a connection of its own; see Connection.transaction. */
  transaction<T>(
    work: (transaction: Transaction) => Promise<T>,
    locks: readonly AdvisoryLock[] = [],
  ): Promise<T> {
    return this.withConnection((connection) => connection.transaction(work, locks));
  }

  /**
   * A checked-out client has no listener of the pool's: a connection that breaks while held
   * (the server went away between two statements) would emit an unhandled 'error' and end the
   * process. Held here, it is marked broken instead, and released so the pool drops it.
   */
  private async withClient<T>(
    work: (client: PoolClient, markBroken: (error: Error) => void) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const markBroken = (error: Error) => (broken ??= error);
    client.on('error', markBroken);
    try {
      return await work(client, markBroken);
    } finally {
      client.off('error', markBroken);
      client.release(broken);
    }
  }
}

/** One pooled connection, held by `Database.withConnection` for the length of a use case. */
export class Connection implements Queryable {
  constructor(
    private readonly client: PoolClient,
    private readonly markBroken: (error: Error) => void,
  ) {}

  query<Row = Record<string, unknown>>(
    text: string,
    params: readonly unknown[] = [],
  ): Promise<Rows<Row>> {
    return run<Row>(this.client, text, params);
  }

  /**
   * Runs `work` in a transaction that begins holding `locks`, taken in the order given (callers
   * keep one order, so two transactions cannot deadlock). BEGIN and the locks travel as one
   * simple-protocol query of integer literals: one round trip instead of two. COMMIT when `work`
   * resolves, ROLLBACK when it throws (a failed COMMIT rolls back by itself).
   */
  async transaction<T>(
    work: (transaction: Transaction) => Promise<T>,
    locks: readonly AdvisoryLock[] = [],
  ): Promise<T> {
    const keys = locks.map(
      ({ namespace, value }) =>
        `pg_advisory_xact_lock(${Math.trunc(namespace)}, ${advisoryLockKey(value)})`,
    );
    const transaction = new Transaction(this.client);
    try {
      await this.client.query(keys.length > 0 ? `BEGIN; SELECT ${keys.join(', ')}` : 'BEGIN');
      const result = await work(transaction);
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      // The original error is the one worth reporting. A connection that cannot roll back is
      // broken: it goes back to the pool marked so, and the pool drops it.
      await this.client.query('ROLLBACK').catch((rollbackError: Error) => {
        this.markBroken(rollbackError);
      });
      throw error;
    } finally {
      transaction.end();
    }
  }
}

/** A unit of work inside BEGIN … COMMIT: statements only. Unusable once its transaction ended. */
export class Transaction implements Queryable {
  private open = true;

  constructor(private readonly client: PoolClient) {}

  query<Row = Record<string, unknown>>(
    text: string,
    params: readonly unknown[] = [],
  ): Promise<Rows<Row>> {
    if (!this.open) {
      return Promise.reject(new Error('This transaction has ended; its statements cannot run'));
    }
    return run<Row>(this.client, text, params);
  }

  /** @internal called by Connection.transaction */
  end(): void {
    this.open = false;
  }
}
