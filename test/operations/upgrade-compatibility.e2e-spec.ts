import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { clientNetwork, ipLimitSubject } from '../../src/common/http/ip-keys';
import { SmsDeliveryLog } from '../../src/sms/delivery-log/sms-delivery-log';
import { registerUser } from '../support/accounts';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { e164, startVerification, uniquePhone } from '../support/verification-flow';
import * as previous from './fixtures/release-d8e1876-delivery-log';

const BUDGET = 4;
const HOUR_MS = 3_600_000;

/**
 * Expand/contract (docs/operations.md, "Upgrades"): a release's migrations never break the
 * previous release's running code, so during a rolling upgrade old and new instances share one
 * database. Here the previous release (commit d8e1876, its delivery-log and budget SQL as a
 * fixture) runs against the schema of every current migration, beside the current code: each of
 * its sends takes one budget slot (not two), a failed one gives it back, the budget refuses it
 * when spent, and each release's limits count the other's sends.
 */
describe('The previous release (d8e1876) on the current schema', () => {
  let database: TestDatabase;
  let current: TestApp;
  let old: Client;

  beforeAll(async () => {
    database = await createTestDatabase(); // every current migration applied
    current = await createTestApp({
      database,
      env: {
        SMS_DAILY_BUDGET: String(BUDGET),
        TRUST_PROXY: 'true',
        OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000',
      },
    });
    old = new Client({ connectionString: database.url });
    await old.connect();
  });
  afterAll(async () => {
    await old?.end();
    await current?.close();
    await database?.drop();
  });

  const now = () => current.clock.now();

  /** The previous release's send transaction: its reservation, committed (or refused at COMMIT). */
  async function oldReserve(send: { userId: string; toPhone: string; clientIp: string }) {
    const id = randomUUID();
    await old.query('BEGIN');
    try {
      await old.query(previous.RESERVE, [
        id,
        randomUUID(),
        send.userId,
        send.toPhone,
        send.clientIp,
        'sparrow',
        now(),
        String(BUDGET),
      ]);
      await old.query('COMMIT');
      return id;
    } catch (error) {
      await old.query('ROLLBACK');
      throw error;
    }
  }

  async function budgetTaken(): Promise<number> {
    const { rows } = await old.query<{ reserved: number }>(
      'SELECT reserved FROM sms_daily_usage WHERE day = ($1::timestamptz AT TIME ZONE $2)::date',
      [now(), 'UTC'],
    );
    return rows[0]?.reserved ?? 0;
  }

  async function statusOf(id: string): Promise<string> {
    const { rows } = await old.query<{ status: string }>(
      'SELECT status FROM sms_messages WHERE id = $1',
      [id],
    );
    return rows[0].status;
  }

  const someone = () => ({
    userId: randomUUID(),
    toPhone: e164(uniquePhone()),
    clientIp: '198.51.100.20',
  });

  it('an old send takes one budget slot, not two, and keeps it once sent; a failed one gives it back', async () => {
    const start = await budgetTaken();
    const sent = await oldReserve(someone());
    expect(await budgetTaken()).toBe(start + 1);
    await old.query(previous.MARK_SENT, [sent, '200', 'Queued', 'sparrow-42', now()]);
    expect(await statusOf(sent)).toBe('sent');
    expect(await budgetTaken()).toBe(start + 1);

    const failed = await oldReserve(someone());
    expect(await budgetTaken()).toBe(start + 2);
    await old.query(previous.MARK_FAILED, [failed, '1002', 'Invalid token', now()]);
    expect(await statusOf(failed)).toBe('failed');
    expect(await budgetTaken()).toBe(start + 1);
  });

  it('both releases share one budget, and the old release is refused at COMMIT once it is spent', async () => {
    const user = await registerUser(current.url);
    while ((await budgetTaken()) < BUDGET - 1) await oldReserve(someone());
    // the current release's send takes the last slot
    await startVerification(current.url, user.accessToken, uniquePhone()).expect(201);
    expect(await budgetTaken()).toBe(BUDGET);
    await expect(oldReserve(someone())).rejects.toMatchObject({
      code: previous.BUDGET_SPENT_SQLSTATE,
    });
    const refused = await startVerification(current.url, user.accessToken, uniquePhone());
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'SMS_BUDGET_EXHAUSTED' });
    expect(await budgetTaken()).toBe(BUDGET);
    process.stdout.write(
      `[upgrade-compatibility] budget ${BUDGET}: taken ${await budgetTaken()} by sends of both releases, one slot each; the old release's next COMMIT refused with ${previous.BUDGET_SPENT_SQLSTATE}, the current one's send 503 SMS_BUDGET_EXHAUSTED\n`,
    );
  });

  describe('limits: each release counts the sends of the other', () => {
    // the day's budget starts again for each: these sends are about counting, not the budget
    beforeEach(async () => {
      await old.query('DELETE FROM sms_daily_usage');
    });

    async function mixedSends(clientIp = `203.0.113.${Math.floor(Math.random() * 200) + 20}`) {
      const user = await registerUser(current.url);
      const phone = uniquePhone();
      // one send by the current release, one by the previous, same account, number and client
      await startVerification(current.url, user.accessToken, phone, {
        'x-forwarded-for': clientIp,
      }).expect(201);
      const oldId = await oldReserve({ userId: user.id, toPhone: e164(phone), clientIp });
      await old.query(previous.MARK_SENT, [oldId, '200', 'Queued', 'sparrow-43', now()]);
      return { userId: user.id, toPhone: e164(phone), clientIp };
    }

    it('the previous release counts the current release’s sends against the number, the account and the IP', async () => {
      const send = await mixedSends();
      const hourAgo = new Date(now().getTime() - HOUR_MS);
      const { rows } = await old.query<{ phone: number; user: number; ip: number }>(
        previous.USAGE,
        [send.toPhone, send.userId, send.clientIp, hourAgo, hourAgo, hourAgo, hourAgo],
      );
      expect(rows[0]).toMatchObject({ phone: 2, user: 2, ip: 2 });
    });

    it('the current release counts the previous release’s sends against the number and the account', async () => {
      const send = await mixedSends();
      const hourAgo = new Date(now().getTime() - HOUR_MS);
      const usage = await current.app.get(SmsDeliveryLog).usage(current.db, {
        ...send,
        now: now(),
        phoneSince: hourAgo,
        userSince: hourAgo,
        ipSince: hourAgo,
      });
      expect(usage).toMatchObject({ toPhoneByUserSince: 2, toPhoneToday: 2, byUserSince: 2 });
    });

    // The previous release leaves client_subject and client_network NULL; a trigger
    // (DeriveKeysOfOlderReleases) derives them from client_ip, so the per-IP limit and the
    // fraud guard's network share count its sends too.
    it('the current release counts the previous release’s sends against the IP and the network', async () => {
      // a /24 of its own (198.18.0.0/15 is for benchmarks): only these two sends are in it
      const send = await mixedSends(`198.18.${Math.floor(Math.random() * 250)}.7`);
      const hourAgo = new Date(now().getTime() - HOUR_MS);
      const usage = await current.app.get(SmsDeliveryLog).usage(current.db, {
        ...send,
        now: now(),
        phoneSince: hourAgo,
        userSince: hourAgo,
        ipSince: hourAgo,
      });
      expect(usage).toMatchObject({ fromIpSince: 2, fromNetworkToday: 2 });
    });

    it('derives the keys of any address the previous release stores as the current one does', async () => {
      const addresses = fc.oneof(
        fc.ipV4(),
        fc.ipV6(),
        fc.ipV4().map((v4) => `::ffff:${v4}`),
        fc.constantFrom('unknown', '2001:DB8:0:0:1::1', '2001:db8::1%eth0', '0.0.0.0', '::'),
      );
      const derived = async (clientIp: string) => {
        const id = await oldReserve({
          userId: randomUUID(),
          toPhone: e164(uniquePhone()),
          clientIp,
        });
        await old.query(previous.MARK_FAILED, [id, '0', 'test', now()]); // the budget back
        const { rows } = await old.query<{ client_subject: string; client_network: string }>(
          'SELECT client_subject, client_network FROM sms_messages WHERE id = $1',
          [id],
        );
        return rows[0];
      };
      await fc.assert(
        fc.asyncProperty(addresses, async (clientIp) => {
          expect({ clientIp, ...(await derived(clientIp)) }).toEqual({
            clientIp,
            client_subject: ipLimitSubject(clientIp),
            client_network: clientNetwork(clientIp),
          });
        }),
        { numRuns: 150 },
      );
    });
  });

  it('an approval by the previous release marks the SMS that carried the code converted', async () => {
    await old.query('DELETE FROM sms_daily_usage');
    const user = await registerUser(current.url);
    const phone = uniquePhone();
    const sent = await startVerification(current.url, user.accessToken, phone).expect(201);
    const { rows } = await old.query<{ code_hash: Buffer }>(
      'SELECT code_hash FROM phone_verifications WHERE id = $1',
      [sent.body.id],
    );
    const approvedAt = now();
    const approved = await old.query(previous.APPROVE, [
      sent.body.id,
      rows[0].code_hash,
      approvedAt,
    ]);
    expect(approved.rowCount).toBe(1);
    const sms = await old.query<{ converted_at: Date | null }>(
      'SELECT converted_at FROM sms_messages WHERE verification_id = $1',
      [sent.body.id],
    );
    expect(sms.rows).toEqual([{ converted_at: approvedAt }]);
  });
});
