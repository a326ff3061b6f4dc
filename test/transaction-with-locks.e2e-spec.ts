import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { sql } from '../src/database/sql';
import { advisoryLockKey, transactionWithLocks } from '../src/database/transaction-with-locks';
import { createTestDatabase, TestDatabase } from './support/test-database';

const A = { namespace: 9001, value: 'a' };
const B = { namespace: 9001, value: 'b' };

describe('transactionWithLocks (real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(
      dataSourceOptions({ url: database.url, poolSize: 4, dataDir: 'unused' }),
    );
    await dataSource.initialize();
    await dataSource.query(
      'CREATE TABLE lock_log (n int, at timestamptz DEFAULT clock_timestamp())',
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.query('TRUNCATE lock_log'));

  const logged = async () =>
    (await dataSource.query('SELECT n FROM lock_log ORDER BY at')).map(
      (row: { n: number }) => row.n,
    );

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

  it('commits the work and returns its result', async () => {
    const result = await transactionWithLocks(dataSource, [A], async (manager) => {
      await sql(manager, 'INSERT INTO lock_log (n) VALUES ($1)', [1]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await logged()).toEqual([1]);
  });

  it('rolls everything back when the work throws, and rethrows that error', async () => {
    const failure = new Error('refused');
    await expect(
      transactionWithLocks(dataSource, [A], async (manager) => {
        await sql(manager, 'INSERT INTO lock_log (n) VALUES ($1)', [1]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await logged()).toEqual([]);
    // the connection went back to the pool outside any transaction: the next one works
    await transactionWithLocks(dataSource, [A], (manager) =>
      sql(manager, 'INSERT INTO lock_log (n) VALUES ($1)', [2]),
    );
    expect(await logged()).toEqual([2]);
  });

  it('holds the lock to the end: a second transaction on it waits for the first to commit', async () => {
    let firstHasLock!: () => void;
    const lockTaken = new Promise<void>((resolve) => (firstHasLock = resolve));
    const first = transactionWithLocks(dataSource, [A, B], async (manager) => {
      firstHasLock();
      await sleep(300);
      await sql(manager, 'INSERT INTO lock_log (n) VALUES ($1)', [1]);
    });
    await lockTaken;
    const second = transactionWithLocks(dataSource, [B], (manager) =>
      sql(manager, 'INSERT INTO lock_log (n) VALUES ($1)', [2]),
    );
    await Promise.all([first, second]);
    expect(await logged()).toEqual([1, 2]);
  });

  it('lets transactions on different locks run side by side', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = transactionWithLocks(dataSource, [A], async (manager) => {
      await held;
      await sql(manager, 'INSERT INTO lock_log (n) VALUES ($1)', [1]);
    });
    // would wait forever (and time the test out) if B were blocked behind A
    await transactionWithLocks(dataSource, [B], (manager) =>
      sql(manager, 'INSERT INTO lock_log (n) VALUES ($1)', [2]),
    );
    release();
    await first;
    expect(await logged()).toEqual([2, 1]);
  });

  it('refuses an empty lock list', async () => {
    await expect(transactionWithLocks(dataSource, [], () => Promise.resolve())).rejects.toThrow(
      RangeError,
    );
  });
});
