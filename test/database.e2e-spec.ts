import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { dataSourceOptions } from '../src/database/data-source';
import { advisoryLockKey, Database, joinStatements, Transaction } from '../src/database/database';
import { createTestDatabase, TestDatabase } from './support/test-database';

const A = { namespace: 9001, value: 'a' };
const B = { namespace: 9001, value: 'b' };

describe('Database: the pg port every repository uses (real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(
      dataSourceOptions({ url: database.url, poolSize: 4, dataDir: 'unused' }),
    );
    await dataSource.initialize();
    db = new Database((dataSource.driver as PostgresDriver).master as Pool);
    await db.query('CREATE TABLE lock_log (n int, at timestamptz DEFAULT clock_timestamp())');
    // a constraint checked at COMMIT, to make a commit fail on purpose
    await db.query(`CREATE TABLE deferred_check (n int UNIQUE DEFERRABLE INITIALLY DEFERRED)`);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => db.query('TRUNCATE lock_log, deferred_check'));

  const logged = async () =>
    (await db.query<{ n: number }>('SELECT n FROM lock_log ORDER BY at')).rows.map((row) => row.n);
  const log = (on: Transaction, n: number) => on.query('INSERT INTO lock_log (n) VALUES ($1)', [n]);

  it('gives a stable signed 32-bit key per value, different for different values', () => {
    expect(advisoryLockKey('+9779812345678')).toBe(advisoryLockKey('+9779812345678'));
    expect(advisoryLockKey('a')).not.toBe(advisoryLockKey('b'));
    for (const value of ['', 'a', '203.0.113.7', '0b7f3f5e-2c1d-4e8a-9a47-3f6f1c2d9e10']) {
      const key = advisoryLockKey(value);
      expect(Number.isInteger(key)).toBe(true);
      expect(key).toBeGreaterThanOrEqual(-(2 ** 31));
      expect(key).toBeLessThan(2 ** 31);
    }
  });

  it('runs a statement and says how many rows it touched', async () => {
    expect((await db.query('INSERT INTO lock_log (n) VALUES ($1), ($2)', [1, 2])).affected).toBe(2);
    expect((await db.query('UPDATE lock_log SET n = n + 1')).affected).toBe(2);
    expect(await logged()).toEqual([2, 3]);
  });

  it('commits the work and returns its result', async () => {
    const result = await db.transaction(
      async (transaction) => {
        await log(transaction, 1);
        return 'done';
      },
      [A],
    );
    expect(result).toBe('done');
    expect(await logged()).toEqual([1]);
  });

  it('rolls everything back when the work throws, and rethrows that error', async () => {
    const failure = new Error('refused');
    await expect(
      db.transaction(
        async (transaction) => {
          await log(transaction, 1);
          throw failure;
        },
        [A],
      ),
    ).rejects.toBe(failure);
    expect(await logged()).toEqual([]);
    // the connection went back to the pool outside any transaction: the next one works
    await db.transaction((transaction) => log(transaction, 2), [A]);
    expect(await logged()).toEqual([2]);
  });

  it('rejects with the commit error when COMMIT fails, leaving nothing', async () => {
    await expect(
      db.transaction(async (transaction) => {
        await log(transaction, 1);
        await transaction.query('INSERT INTO deferred_check (n) VALUES (1), (1)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await logged()).toEqual([]);
    expect(await logged()).toEqual([]); // and the pool still works
  });

  it('refuses statements on a transaction that has ended (no work can escape its commit)', async () => {
    let escaped!: Transaction;
    await db.transaction(async (transaction) => {
      escaped = transaction;
      await log(transaction, 1);
    });
    await expect(log(escaped, 2)).rejects.toThrow(/transaction has ended/);
    expect(await logged()).toEqual([1]);
  });

  it('holds the lock to the end: a second transaction on it waits for the first to commit', async () => {
    let firstHasLock!: () => void;
    const lockTaken = new Promise<void>((resolve) => (firstHasLock = resolve));
    const first = db.transaction(
      async (transaction) => {
        firstHasLock();
        await sleep(300);
        await log(transaction, 1);
      },
      [A, B],
    );
    await lockTaken;
    const second = db.transaction((transaction) => log(transaction, 2), [B]);
    await Promise.all([first, second]);
    expect(await logged()).toEqual([1, 2]);
  });

  it('lets transactions on different locks run side by side', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = db.transaction(
      async (transaction) => {
        await held;
        await log(transaction, 1);
      },
      [A],
    );
    // would wait forever (and time the test out) if B were blocked behind A
    await db.transaction((transaction) => log(transaction, 2), [B]);
    release();
    await first;
    expect(await logged()).toEqual([2, 1]);
  });

  it('runs several statements and a transaction on one held connection', async () => {
    const backends = await db.withConnection(async (connection) => {
      const pid = async () =>
        (await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const before = await pid();
      const inside = await connection.transaction(async (transaction) => {
        await log(transaction, 1);
        return (await transaction.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
          .pid;
      });
      return [before, inside, await pid()];
    });
    expect(new Set(backends).size).toBe(1);
    expect(await logged()).toEqual([1]);
  });

  describe('statements that ride with BEGIN and COMMIT (values written in as literals)', () => {
    const awkward = ["it's", 'back\\slash', "'); DROP TABLE lock_log; --", 'ünïcode', ''];

    it('hands the opening statement its values intact, run once the locks are held', async () => {
      const seen = await db.transaction(
        (_transaction, opened) => Promise.resolve(opened.rows),
        [A],
        {
          text: `SELECT $1::text AS a, $2::text AS b, $3::text AS c, $4::text AS d, $5::text AS e,
                      $6::int AS n, $7::timestamptz AS at, $8::text AS none,
                      EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                                 AND pid = pg_backend_pid() AND classid = 9001) AS locked`,
          params: [...awkward, -42, new Date('2026-12-01T10:00:00.123Z'), null],
        },
      );
      expect(seen).toEqual([
        {
          a: awkward[0],
          b: awkward[1],
          c: awkward[2],
          d: awkward[3],
          e: awkward[4],
          n: -42,
          at: new Date('2026-12-01T10:00:00.123Z'),
          none: null,
          locked: true,
        },
      ]);
      expect(await logged()).toEqual([]); // the quote-laden value stayed a value
    });

    it('commits with the last statement in one round trip, and ends the transaction', async () => {
      let ended!: Transaction;
      const rows = await db.transaction(async (transaction) => {
        ended = transaction;
        await log(transaction, 1);
        const last = await transaction.commitWith<{ n: number }>({
          text: 'INSERT INTO lock_log (n) VALUES ($1) RETURNING n',
          params: [2],
        });
        return last.rows;
      });
      expect(rows).toEqual([{ n: 2 }]);
      expect(await logged()).toEqual([1, 2]);
      await expect(log(ended, 3)).rejects.toThrow(/transaction has ended/);
    });

    it('rolls everything back when that COMMIT fails, with its error', async () => {
      await expect(
        db.transaction(async (transaction) => {
          await log(transaction, 1);
          await transaction.commitWith({
            text: 'INSERT INTO deferred_check (n) VALUES ($1), ($1)',
            params: [7],
          });
        }),
      ).rejects.toMatchObject({ code: '23505' });
      expect(await logged()).toEqual([]);
    });

    it('rolls everything back when the last statement itself fails', async () => {
      await expect(
        db.transaction(async (transaction) => {
          await log(transaction, 1);
          await transaction.commitWith({ text: 'SELECT 1 / $1', params: [0] });
        }),
      ).rejects.toMatchObject({ code: '22012' });
      expect(await logged()).toEqual([]);
      expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });

    it('refuses values it cannot write as literals', async () => {
      await expect(
        db.transaction(() => Promise.resolve(), [], { text: 'SELECT $1', params: [{ a: 1 }] }),
      ).rejects.toThrow(/cannot be written as a literal/);
      await expect(
        db.transaction(() => Promise.resolve(), [], { text: 'SELECT $1', params: [Number.NaN] }),
      ).rejects.toThrow(/cannot be written as a literal/);
    });
  });
  describe('two statements joined into one (joinStatements)', () => {
    const insert = (n: number) => ({ text: 'INSERT INTO lock_log (n) VALUES ($1)', params: [n] });
    const waitForDisk = { waitForDisk: true };
    const commitSetting = { text: "SELECT current_setting('synchronous_commit') AS s", params: [] };

    it("runs both, with each one its own values, and returns the second one's rows", async () => {
      const joined = joinStatements(
        insert(1),
        { text: 'INSERT INTO lock_log (n) VALUES ($1), ($2) RETURNING n', params: [2, 3] },
        waitForDisk,
      );
      expect(joined.params).toEqual([1, 2, 3]);
      const { rows } = await db.query<{ n: number }>(joined.text, joined.params);
      expect(rows.map((row) => row.n).sort()).toEqual([2, 3]);
      expect((await logged()).sort()).toEqual([1, 2, 3]);
    });

    it('writes neither when the second one fails', async () => {
      const joined = joinStatements(
        insert(1),
        { text: 'INSERT INTO lock_log (n) VALUES (1 / $1) RETURNING n', params: [0] },
        waitForDisk,
      );
      await expect(db.query(joined.text, joined.params)).rejects.toMatchObject({ code: '22012' });
      expect(await logged()).toEqual([]);
    });

    it('commits without waiting for the disk only when asked, for its own transaction only', async () => {
      const returning = { text: 'INSERT INTO lock_log (n) VALUES ($1) RETURNING n', params: [2] };
      await db.withConnection(async (connection) => {
        const setting = async () =>
          (await connection.query<{ s: string }>(commitSetting.text)).rows[0].s;
        // inside a transaction, to read the setting the statement left for its commit
        const during = async (joined: { text: string; params: readonly unknown[] }) =>
          connection.transaction(async (transaction) => {
            await transaction.query(joined.text, joined.params);
            return (await transaction.query<{ s: string }>(commitSetting.text)).rows[0].s;
          });
        expect(await during(joinStatements(insert(1), returning, waitForDisk))).toBe('on');
        expect(await during(joinStatements(insert(1), returning, { waitForDisk: false }))).toBe(
          'off',
        );
        // gone with its transaction: the connection's next statements wait for the disk again
        expect(await setting()).toBe('on');
      });
      expect((await logged()).sort()).toEqual([1, 1, 2, 2]);
    });
  });
});
