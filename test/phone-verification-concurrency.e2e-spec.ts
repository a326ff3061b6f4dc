import { registerUser } from './support/accounts';
import { FakeClock } from './support/fake-clock';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { createTestApp, TestApp } from './support/test-app';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from './support/verification-flow';

const ENV = {
  OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000',
  OTP_MAX_SMS_PER_PHONE_PER_DAY: '5',
  OTP_MAX_ATTEMPTS: '5',
  DATABASE_POOL_SIZE: '10',
};

function statuses(responses: Array<{ status: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/**
 * Each scenario runs against a list of app instances; requests are spread round-robin over them.
 * With one instance that is real parallel HTTP on one process; with two, on two processes' worth of
 * Nest apps with their own pools on one database, as behind a load balancer.
 */
function concurrencyScenarios(label: string, instanceCount: number) {
  describe(label, () => {
    let database: TestDatabase;
    let apps: TestApp[];
    const clock = new FakeClock();
    const url = (i: number) => apps[i % apps.length].url;
    const sentTo = (phone: string) =>
      apps.flatMap((app) => app.sms.sent.filter((m) => m.to === e164(phone)));
    const codeFor = (phone: string) => sentTo(phone).at(-1)!.text.slice(0, 6);

    beforeAll(async () => {
      database = await createTestDatabase();
      apps = [];
      for (let i = 0; i < instanceCount; i += 1)
        apps.push(await createTestApp({ env: ENV, database, clock }));
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await database.drop();
    });

    it('10 parallel checks of the right code: exactly one 200', async () => {
      const { accessToken } = await registerUser(url(0));
      const phone = uniquePhone();
      await startVerification(url(0), accessToken, phone).expect(201);
      const code = codeFor(phone);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => checkCode(url(i), accessToken, phone, code)),
      );
      expect(statuses(results)).toEqual({ 200: 1, 404: 9 });
    });

    it('20 parallel wrong guesses: exactly OTP_MAX_ATTEMPTS are judged, the rest refused', async () => {
      const { accessToken } = await registerUser(url(0));
      const phone = uniquePhone();
      await startVerification(url(0), accessToken, phone).expect(201);
      const wrong = wrongCode(codeFor(phone));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => checkCode(url(i), accessToken, phone, wrong)),
      );
      expect(statuses(results)).toEqual({ 400: 5, 429: 15 });
      const attemptsSeen = results
        .filter((r) => r.status === 400)
        .map((r) => r.body.attemptsLeft as number);
      expect(attemptsSeen.sort()).toEqual([0, 1, 2, 3, 4]);
    });

    // A check judges on an unlocked read and writes only if the row is unchanged; whatever the
    // interleaving, the answers must be those of some one-at-a-time order of the 10 requests.
    it('the right code racing 9 wrong guesses: the answers of some serial order', async () => {
      const { accessToken } = await registerUser(url(0));
      const phone = uniquePhone();
      await startVerification(url(0), accessToken, phone).expect(201);
      const code = codeFor(phone);
      const guesses = [wrongCode(code), wrongCode(code), wrongCode(code), wrongCode(code), code];
      const sent = [...guesses, ...guesses.slice(0, 4), wrongCode(code)];
      const results = await Promise.all(
        sent.map((guess, i) => checkCode(url(i), accessToken, phone, guess)),
      );
      const counts = statuses(results);
      const judgedWrong = counts[400] ?? 0;
      if (counts[200] === 1) {
        // approved at some point with attempts left: wrong guesses after it find nothing pending
        expect(judgedWrong).toBeLessThanOrEqual(4);
        expect(counts).toEqual({ 200: 1, 400: judgedWrong, 404: 9 - judgedWrong });
      } else {
        // the attempts ran out first: the right code came too late
        expect(counts).toEqual({ 400: 5, 429: 5 });
      }
      const attemptsSeen = results
        .filter((r) => r.status === 400)
        .map((r) => r.body.attemptsLeft as number);
      expect(attemptsSeen.sort()).toEqual([4, 3, 2, 1, 0].slice(0, judgedWrong).sort());
    });

    it('10 parallel sends for one number: one SMS', async () => {
      const { accessToken } = await registerUser(url(0));
      const phone = uniquePhone();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => startVerification(url(i), accessToken, phone)),
      );
      expect(statuses(results)).toEqual({ 201: 1, 429: 9 });
      expect(
        results.filter((r) => r.status === 429).every((r) => r.body.code === 'RESEND_COOLDOWN'),
      ).toBe(true);
      expect(sentTo(phone)).toHaveLength(1);
    });

    it('two accounts racing for one number: one 200 and one 409 PHONE_IN_USE, never a 500', async () => {
      const phone = uniquePhone();
      const [a, b] = await Promise.all([registerUser(url(0)), registerUser(url(1))]);
      await startVerification(url(0), a.accessToken, phone).expect(201);
      const codeA = codeFor(phone);
      await startVerification(url(1), b.accessToken, phone).expect(201);
      const codeB = codeFor(phone);
      const results = await Promise.all([
        checkCode(url(0), a.accessToken, phone, codeA),
        checkCode(url(1), b.accessToken, phone, codeB),
      ]);
      expect(statuses(results)).toEqual({ 200: 1, 409: 1 });
      expect(results.find((r) => r.status === 409)!.body.code).toBe('PHONE_IN_USE');
    });

    it("parallel sends from many accounts never exceed the number's daily cap", async () => {
      const phone = uniquePhone();
      const accounts = await Promise.all(
        Array.from({ length: 12 }, (_, i) => registerUser(url(i))),
      );
      const results = await Promise.all(
        accounts.map((account, i) => startVerification(url(i), account.accessToken, phone)),
      );
      expect(statuses(results)).toEqual({ 201: 5, 429: 7 });
      expect(sentTo(phone)).toHaveLength(5);
    });
  });
}

concurrencyScenarios('concurrency on one instance', 1);
concurrencyScenarios('concurrency across two instances on one database', 2);
