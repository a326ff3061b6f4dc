import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { loadConfiguration } from '../src/configuration';
import { dataSourceOptions } from '../src/database/data-source';
import { Database } from '../src/database/database';
import { SmsBudgetExhaustedError, SmsDeliveryLog } from '../src/sms/delivery-log/sms-delivery-log';
import { SmsMessageRepository } from '../src/sms/delivery-log/sms-message.repository';
import { createTestDatabase, TestDatabase } from './support/test-database';

const AT = new Date('2026-11-30T10:00:00.000Z');
const DAY = '2026-11-30';

/**
 * The daily SMS budget is taken as a send's reservation commits (a deferred trigger), so the
 * day's counter row is not held locked for the rest of the reservation transaction.
 */
describe('the daily SMS budget, taken at commit (real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let db: Database;
  let probe: Client;

  const logWithBudget = (budget: number) =>
    new SmsDeliveryLog(
      new SmsMessageRepository(db),
      loadConfiguration({ SMS_DAILY_BUDGET: String(budget), DATABASE_URL: database.url }),
    );
  const reservation = () => ({
    verificationId: randomUUID(),
    userId: randomUUID(),
    toPhone: '+9779812345678',
    clientIp: '198.51.100.7',
    provider: 'sparrow',
    operator: 'NCELL',
    encoding: 'gsm7' as const,
    segments: 1,
    at: AT,
  });
  /** One reservation in a transaction of its own, as a send makes it; refusals mapped as the service does. */
  const reserveAndCommit = (log: SmsDeliveryLog) =>
    db
      .transaction(
        (transaction) => log.reserve(transaction, reservation()),
        [{ namespace: 9002, value: randomUUID() }],
      )
      .catch((error: unknown) => {
        throw log.budgetRefusal(error, AT) ?? error;
      });
  const reservedToday = async () =>
    (
      await probe.query<{ reserved: number }>(
        'SELECT reserved FROM sms_daily_usage WHERE day = $1',
        [DAY],
      )
    ).rows[0]?.reserved ?? 0;
  const smsRows = async () =>
    Number((await probe.query<{ n: string }>('SELECT count(*) AS n FROM sms_messages')).rows[0].n);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(
      dataSourceOptions({ url: database.url, poolSize: 12, dataDir: 'unused' }),
    );
    await dataSource.initialize();
    db = new Database((dataSource.driver as PostgresDriver).master as Pool);
    probe = new Client({ connectionString: database.url });
    await probe.connect();
  });
  afterAll(async () => {
    await probe.end();
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => probe.query('TRUNCATE sms_messages, sms_daily_usage'));

  it('takes the slot as the reservation commits, not when its row is written', async () => {
    const log = logWithBudget(5);
    let inside: number | undefined;
    await db.transaction(
      async (transaction) => {
        await log.reserve(transaction, reservation());
        // read inside the transaction itself, which would see its own increment
        const { rows } = await transaction.query<{ reserved: number }>(
          'SELECT reserved FROM sms_daily_usage WHERE day = $1',
          [DAY],
        );
        inside = rows[0]?.reserved ?? 0;
      },
      [{ namespace: 9002, value: 'a' }],
    );
    expect(inside).toBe(0);
    expect(await reservedToday()).toBe(1);
    expect(await smsRows()).toBe(1);
  });

  it('leaves the day row unlocked while the reservation transaction is still open', async () => {
    const log = logWithBudget(5);
    await reserveAndCommit(log); // the day's row exists from here on
    let lockedDuringTransaction: boolean | undefined;
    await db.transaction(
      async (transaction) => {
        await log.reserve(transaction, reservation());
        lockedDuringTransaction = await rowIsLocked(probe, DAY);
      },
      [{ namespace: 9002, value: 'b' }],
    );
    expect(lockedDuringTransaction).toBe(false);
    expect(await reservedToday()).toBe(2);
  });

  it('refuses the commit over the budget: SMS_BUDGET_EXHAUSTED, and nothing of the transaction stays', async () => {
    const log = logWithBudget(1);
    await reserveAndCommit(log);
    const error = await reserveAndCommit(log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsBudgetExhaustedError);
    expect((error as SmsBudgetExhaustedError).extensions).toEqual({ retryAfterSeconds: 50_400 });
    expect(await reservedToday()).toBe(1);
    expect(await smsRows()).toBe(1);
  });

  it('reservations racing for the last slots: exactly the budget commits, every other one is refused', async () => {
    const log = logWithBudget(7);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => reserveAndCommit(log)),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(7);
    expect(refused).toHaveLength(13);
    for (const o of refused) expect(o.reason).toBeInstanceOf(SmsBudgetExhaustedError);
    expect(await reservedToday()).toBe(7);
    expect(await smsRows()).toBe(7);
  });

  it('a failed SMS gives its slot back, and the slot can be taken again', async () => {
    const log = logWithBudget(1);
    const id = await reserveAndCommit(log);
    await log.recordFailed(id, {
      gateway: 'sparrow',
      outcome: { kind: 'refused', cause: 'number', providerCode: '1007' },
      latencyMs: 12,
      at: AT,
    });
    expect(await reservedToday()).toBe(0);
    await expect(reserveAndCommit(log)).resolves.toEqual(expect.any(String));
    expect(await reservedToday()).toBe(1);
  });

  it('a send that fails over to another gateway holds one slot, whatever the number of attempts', async () => {
    const log = logWithBudget(1);
    const id = await reserveAndCommit(log);
    const nextId = await log.failOver(
      id,
      {
        gateway: 'sparrow',
        outcome: { kind: 'refused', cause: 'account', providerCode: '1012' },
        latencyMs: 30,
        at: AT,
      },
      'aakash',
    );
    expect(nextId).toEqual(expect.any(String));
    expect(await reservedToday()).toBe(1);
    await log.recordDelivered(nextId!, {
      gateway: 'aakash',
      outcome: { kind: 'sent', messageId: '123', network: 'ntc' },
      latencyMs: 40,
      at: AT,
    });
    expect(await reservedToday()).toBe(1);
    const { rows } = await probe.query(
      `SELECT provider, status, outcome, refusal_cause, retry_of, provider_message_id, network
         FROM sms_messages ORDER BY status`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        provider: 'sparrow',
        status: 'failed',
        outcome: 'refused',
        refusal_cause: 'account',
        retry_of: null,
      }),
      expect.objectContaining({
        provider: 'aakash',
        status: 'sent',
        outcome: 'sent',
        retry_of: id,
        provider_message_id: '123',
        network: 'ntc',
      }),
    ]);
    // the one slot is spent: the next send is refused by the budget
    await expect(reserveAndCommit(log)).rejects.toBeInstanceOf(SmsBudgetExhaustedError);
    // and a failover of a row that is no longer pending changes nothing
    expect(
      await log.failOver(
        id,
        { gateway: 'sparrow', outcome: { kind: 'unreached', reason: 'x' }, latencyMs: 1, at: AT },
        'aakash',
      ),
    ).toBeNull();
  });

  it('passes other errors through unchanged', () => {
    const log = logWithBudget(1);
    const other = Object.assign(new Error('unique'), { code: '23505' });
    expect(log.budgetRefusal(other, AT)).toBeUndefined();
    expect(log.budgetRefusal(undefined, AT)).toBeUndefined();
  });
});

/** Whether another session holds a row lock on the day's budget row right now. */
async function rowIsLocked(client: Client, day: string): Promise<boolean> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ day: string }>(
      'SELECT day FROM sms_daily_usage WHERE day = $1 FOR UPDATE SKIP LOCKED',
      [day],
    );
    return rows.length === 0;
  } finally {
    await client.query('ROLLBACK');
  }
}
