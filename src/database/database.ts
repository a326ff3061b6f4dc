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

/**
 * A statement that shares a round trip with BEGIN or COMMIT (see `Connection.transaction` and
 * `Transaction.commitWith`). It travels in the simple protocol, which takes no parameters: each
 * `$n` is written into the text as an escaped literal. So `text` should be a short call (of a
 * function whose plans PostgreSQL caches) rather than a statement that would be planned anew.
 */
export type InlineStatement = Statement;

/** A statement and its values, built by a repository to be run elsewhere (see joinStatements). */
export interface Statement {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** `statement` with its values written in as literals (strings escaped by pg's client). */
export function inlineStatement(
  client: Pick<PoolClient, 'escapeLiteral'>,
  statement: InlineStatement,
): string {
  return statement.text.replace(/\$(\d+)/g, (_, index: string) => {
    const n = Number(index);
    if (n < 1 || n > statement.params.length) throw new Error(`no value for $${index}`);
    return literal(client, statement.params[n - 1]);
  });
}

function literal(client: Pick<PoolClient, 'escapeLiteral'>, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return client.escapeLiteral(value);
  if (typeof value === 'number' && Number.isFinite(value)) return `(${String(value)})`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    return client.escapeLiteral(value.toISOString());
  }
  throw new Error(`a ${typeof value} cannot be written as a literal`);
}

/**
 * `first` and `then` as one statement: one round trip and one commit instead of two. Both run as
 * data-modifying WITH queries (to completion, on one snapshot); the statement returns `then`'s
 * rows, so `then` must have a RETURNING list. `then`'s `$n` are renumbered after `first`'s. Both
 * texts must be constants, as for `Queryable.query`: the joined text is one prepared statement.
 *
 * `waitForDisk: false` commits it without waiting for its WAL to be flushed (synchronous_commit
 * off, for this statement's own transaction): a database crash within a few hundred milliseconds
 * may lose it, never half of it, and any later flushed commit makes it durable too. Only for
 * writes whose loss leaves a safe state behind; it saves the commit a disk flush.
 */
export function joinStatements(
  first: Statement,
  then: Statement,
  { waitForDisk }: { waitForDisk: boolean },
): Statement {
  const offset = first.params.length;
  const renumbered = then.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  // a FROM item, not a WITH query: an unreferenced WITH query that only reads is never run
  const unflushed = waitForDisk
    ? ''
    : `, (SELECT set_config('synchronous_commit', 'off', true)) AS unflushed`;
  return {
    text: `WITH first_write AS (${first.text}), second_write AS (${renumbered})
           SELECT second_write.* FROM second_write${unflushed}`,
    params: [...first.params, ...then.params],
  };
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
    work: (transaction: Transaction, opened: Rows<Record<string, unknown>>) => Promise<T>,
    locks: readonly AdvisoryLock[] = [],
    opening?: InlineStatement,
  ): Promise<T> {
    return this.withConnection((connection) => connection.transaction(work, locks, opening));
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
   * simple-protocol query of integer literals: one round trip instead of two; an `opening`
   * statement rides along, run once the locks are held, and `work` gets its rows. COMMIT when
   * `work` resolves (unless it ended with `commitWith`), ROLLBACK when it throws (a failed COMMIT
   * rolls back by itself).
   */
  async transaction<T>(
    work: (transaction: Transaction, opened: Rows<Record<string, unknown>>) => Promise<T>,
    locks: readonly AdvisoryLock[] = [],
    opening?: InlineStatement,
  ): Promise<T> {
    const statements = ['BEGIN'];
    if (locks.length > 0) {
      const keys = locks.map(
        ({ namespace, value }) =>
          `pg_advisory_xact_lock(${Math.trunc(namespace)}, ${advisoryLockKey(value)})`,
      );
      statements.push(`SELECT ${keys.join(', ')}`);
    }
    const transaction = new Transaction(this.client);
    try {
      if (opening) statements.push(inlineStatement(this.client, opening));
      const results = await this.client.query(statements.join('; '));
      const last = lastResult(results);
      const opened = opening
        ? { rows: last.rows as Record<string, unknown>[], affected: last.rowCount ?? 0 }
        : { rows: [], affected: 0 };
      const result = await work(transaction, opened);
      if (!transaction.committed) await this.client.query('COMMIT');
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

/** The result of a simple-protocol query's last statement (pg gives an array for several). */
function lastResult(results: QueryResult | QueryResult[]): QueryResult {
  return Array.isArray(results) ? results[results.length - 1] : results;
}

/** A unit of work inside BEGIN … COMMIT: statements only. Unusable once its transaction ended. */
export class Transaction implements Queryable {
  private open = true;
  private commitSent = false;

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

  /**
   * The transaction's last statement and its COMMIT, in one round trip (see InlineStatement):
   * nothing can run on the transaction after it. A failed COMMIT (a deferred trigger's
   * refusal) rejects with PostgreSQL's error, as a plain COMMIT would.
   */
  async commitWith<Row = Record<string, unknown>>(statement: InlineStatement): Promise<Rows<Row>> {
    if (!this.open) throw new Error('This transaction has ended; its statements cannot run');
    const text = `${inlineStatement(this.client, statement)}; COMMIT`;
    this.open = false;
    this.commitSent = true;
    const results = (await this.client.query(text)) as unknown as QueryResult[];
    const result = results[0];
    return { rows: result.rows as Row[], affected: result.rowCount ?? 0 };
  }

  /** @internal whether commitWith ended the transaction (Connection.transaction sends no COMMIT). */
  get committed(): boolean {
    return this.commitSent;
  }

  /** @internal called by Connection.transaction */
  end(): void {
    this.open = false;
  }
}
