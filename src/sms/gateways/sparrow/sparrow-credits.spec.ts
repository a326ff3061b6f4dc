import { FakeSparrowServer, sparrowReplies } from '../../../../test/fakes/fake-sparrow-server';
import { RecordingLogger } from '../../../../test/fakes/recording-logger';
import { freePort } from '../../../../test/support/app-process';
import { FakeClock } from '../../../../test/support/fake-clock';
import { GatewayHttp } from '../gateway-http';
import { SparrowGateway } from './sparrow.gateway';
import { CREDIT_CACHE_MS } from './sparrow-credits';
import { SparrowOptions } from './sparrow-options';

const TOKEN = 'v2_credit-secret-token-8f14e45fceea';

describe('SparrowGateway.balance() (the credit endpoint, over HTTP to a fake Sparrow)', () => {
  const sparrow = new FakeSparrowServer({ token: TOKEN });
  let logger: RecordingLogger;
  let clock: FakeClock;
  let http: GatewayHttp;

  function gateway(options: Partial<SparrowOptions> = {}): SparrowGateway {
    return new SparrowGateway(
      http,
      {
        baseUrl: sparrow.url,
        token: TOKEN,
        from: 'TheAlert',
        timeoutMs: 300,
        creditWarnBelow: 100,
        ...options,
      },
      clock,
      logger,
    );
  }

  beforeAll(() => sparrow.start());
  afterAll(() => sparrow.stop());
  beforeEach(() => {
    sparrow.reset();
    sparrow.credits = 1234;
    logger = new RecordingLogger();
    clock = new FakeClock();
    http = new GatewayHttp();
  });
  afterEach(() => http.close());

  it('asks GET /v2/credit/ with the token and reports the balance', async () => {
    await expect(gateway().balance()).resolves.toBe(1234);
    expect(sparrow.requests).toHaveLength(1);
    expect(sparrow.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v2/credit/',
      query: { token: TOKEN },
    });
    expect(logger.entries).toEqual([]);
  });

  it('keeps the balance for a minute, and shares one request between concurrent callers', async () => {
    const subject = gateway();
    await expect(Promise.all([subject.balance(), subject.balance()])).resolves.toEqual([
      1234, 1234,
    ]);
    clock.advance(CREDIT_CACHE_MS / 1000 - 1);
    sparrow.credits = 999;
    await expect(subject.balance()).resolves.toBe(1234);
    expect(sparrow.requests).toHaveLength(1);
    clock.advance(2);
    await expect(subject.balance()).resolves.toBe(999);
    expect(sparrow.requests).toHaveLength(2);
  });

  it('warns when the balance is under the threshold, not at it, and not without one', async () => {
    sparrow.credits = 99;
    await expect(gateway().balance()).resolves.toBe(99);
    expect(logger.messages('warn')).toEqual([
      'Sparrow credits are running low: top up in the Sparrow dashboard',
    ]);
    expect(logger.entries[0].args[0]).toMatchObject({ creditsAvailable: 99, warnBelow: 100 });
    logger.clear();
    sparrow.credits = 100;
    await gateway().balance();
    sparrow.credits = 1;
    await gateway({ creditWarnBelow: undefined }).balance();
    expect(logger.entries).toEqual([]);
  });

  it('is undefined when Sparrow cannot be reached, and caches that too', async () => {
    const subject = gateway({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    await expect(subject.balance()).resolves.toBeUndefined();
    expect(logger.messages('warn')).toEqual([
      'Credit balance unknown: Sparrow was not reached: could not connect (ECONNREFUSED)',
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
    ['a balance that is not a number', sparrowReplies.raw(200, '{"credits_available":"lots"}')],
  ])('is undefined on %s', async (_name, reply) => {
    sparrow.respondNextCreditQueryWith(reply);
    await expect(gateway().balance()).resolves.toBeUndefined();
    expect(logger.messages('warn')).toHaveLength(1);
  });

  it('says what to fix when Sparrow refuses the token, without the token', async () => {
    await expect(gateway({ token: 'wrong-token-0000' }).balance()).resolves.toBeUndefined();
    expect(logger.messages('warn')[0]).toContain('SPARROW_TOKEN is wrong');
    expect(logger.text()).not.toContain('wrong-token-0000');
  });

  it('never logs the token (it travels in the query string) nor the URL', async () => {
    sparrow.credits = 5;
    await gateway().balance();
    for (const reply of [
      sparrowReplies.reset(),
      sparrowReplies.slow(2000),
      sparrowReplies.html(),
    ]) {
      sparrow.respondNextCreditQueryWith(reply);
      await gateway().balance();
    }
    await gateway({ baseUrl: `http://127.0.0.1:${await freePort()}` }).balance();
    expect(logger.entries).toHaveLength(5);
    expect(logger.text()).not.toContain(TOKEN);
    expect(logger.text()).not.toContain('/v2/credit/');
  });
});
