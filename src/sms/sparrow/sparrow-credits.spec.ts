import { HttpService } from '@nestjs/axios';
import { FakeSparrowServer, sparrowReplies } from '../../../test/fakes/fake-sparrow-server';
import { freePort } from '../../../test/support/app-process';
import { TEST_SECRETS } from '../../../test/support/test-secrets';
import { RecordingLogger } from '../../../test/fakes/recording-logger';
import { FakeClock } from '../../../test/support/fake-clock';
import { loadAppConfig } from '../../config/app-config';
import { CREDIT_CACHE_MS, SparrowCredits } from './sparrow-credits';

const TOKEN = 'v2_credit-secret-token-8f14e45fceea';

describe('SparrowCredits', () => {
  const sparrow = new FakeSparrowServer({ token: TOKEN });
  let logger: RecordingLogger;
  let clock: FakeClock;

  function credits(env: Record<string, string> = {}): SparrowCredits {
    const config = loadAppConfig({
      ...TEST_SECRETS,
      SMS_GATEWAY: 'sparrow',
      SPARROW_BASE_URL: sparrow.url,
      SPARROW_TOKEN: TOKEN,
      SPARROW_FROM: 'TheAlert',
      SPARROW_TIMEOUT_MS: '300',
      SPARROW_CREDIT_WARN_THRESHOLD: '100',
      ...env,
    });
    return new SparrowCredits(new HttpService(), config, clock, logger);
  }

  beforeAll(() => sparrow.start());
  afterAll(() => sparrow.stop());
  beforeEach(() => {
    sparrow.reset();
    sparrow.credits = 1234;
    logger = new RecordingLogger();
    clock = new FakeClock();
  });

  it('asks GET /v2/credit/ with the token and reports the balance', async () => {
    await expect(credits().balance()).resolves.toEqual({ status: 'up', creditsAvailable: 1234 });
    expect(sparrow.requests).toHaveLength(1);
    expect(sparrow.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v2/credit/',
      query: { token: TOKEN },
    });
    expect(logger.entries).toEqual([]);
  });

  it('keeps the balance for a minute, and shares one request between concurrent callers', async () => {
    const subject = credits();
    const first = await Promise.all([subject.balance(), subject.balance(), subject.balance()]);
    expect(first.map((balance) => balance.status)).toEqual(['up', 'up', 'up']);
    clock.advance(CREDIT_CACHE_MS / 1000 - 1);
    sparrow.credits = 999;
    await expect(subject.balance()).resolves.toEqual({ status: 'up', creditsAvailable: 1234 });
    expect(sparrow.requests).toHaveLength(1);
    clock.advance(2);
    await expect(subject.balance()).resolves.toEqual({ status: 'up', creditsAvailable: 999 });
    expect(sparrow.requests).toHaveLength(2);
  });

  it('warns when the balance is under SPARROW_CREDIT_WARN_THRESHOLD', async () => {
    sparrow.credits = 99;
    await expect(credits().balance()).resolves.toEqual({ status: 'up', creditsAvailable: 99 });
    expect(logger.messages('warn')).toEqual([
      'Sparrow credits are running low: top up in the Sparrow dashboard',
    ]);
    expect(logger.entries[0].args[0]).toMatchObject({ creditsAvailable: 99, warnBelow: 100 });
  });

  it('does not warn at the threshold', async () => {
    sparrow.credits = 100;
    await credits().balance();
    expect(logger.entries).toEqual([]);
  });

  it('reports unknown when Sparrow cannot be reached, and caches that too', async () => {
    const subject = credits({ SPARROW_BASE_URL: `http://127.0.0.1:${await freePort()}` });
    await expect(subject.balance()).resolves.toEqual({ status: 'unknown' });
    expect(logger.messages('warn')).toEqual([
      'Credit balance unknown: Sparrow cannot be reached: could not connect (ECONNREFUSED)',
    ]);
    await subject.balance();
    expect(logger.entries).toHaveLength(1);
  });

  it.each([
    ['a timeout', sparrowReplies.slow(2000)],
    ['a reset', sparrowReplies.reset()],
    ['an HTML page', sparrowReplies.html()],
    ['HTTP 500', sparrowReplies.serverError()],
    ['a refusal', sparrowReplies.refuse(1001)],
  ])('reports unknown on %s', async (_name, reply) => {
    sparrow.respondNextWith(reply);
    await expect(credits().balance()).resolves.toEqual({ status: 'unknown' });
    expect(logger.messages('warn')).toHaveLength(1);
  });

  it('says what to fix when Sparrow refuses the token', async () => {
    await expect(credits({ SPARROW_TOKEN: 'wrong-token-0000' }).balance()).resolves.toEqual({
      status: 'unknown',
    });
    expect(logger.messages('warn')[0]).toContain('SPARROW_TOKEN is wrong');
    expect(logger.text()).not.toContain('wrong-token-0000');
  });

  it('never logs the token (it travels in the query string)', async () => {
    sparrow.credits = 5;
    await credits().balance();
    for (const reply of [
      sparrowReplies.reset(),
      sparrowReplies.slow(2000),
      sparrowReplies.html(),
    ]) {
      sparrow.respondNextWith(reply);
      await credits().balance();
    }
    await credits({ SPARROW_BASE_URL: `http://127.0.0.1:${await freePort()}` }).balance();
    expect(logger.entries).toHaveLength(5);
    expect(logger.text()).not.toContain(TOKEN);
    expect(logger.text()).not.toContain('/v2/credit/');
  });
});
