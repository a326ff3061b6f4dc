import request from 'supertest';
import { SmsGateway } from '../src/sms/sms-gateway';
import { CREDIT_CACHE_MS } from '../src/sms/sparrow/sparrow-credits';
import { FakeSparrowServer } from './fakes/fake-sparrow-server';
import { createTestApp, TestApp } from './support/test-app';

const TOKEN = 'e2e-sparrow-token-c4ca4238a0b9';

describe('SMS through the real Sparrow adapter (fake Sparrow over HTTP)', () => {
  const sparrow = new FakeSparrowServer({ token: TOKEN, credits: 1234 });
  let t: TestApp;

  beforeAll(async () => {
    await sparrow.start();
    t = await createTestApp({
      realSmsGateway: true,
      env: {
        ...sparrow.appEnv(),
        SPARROW_TIMEOUT_MS: '500',
        SPARROW_CREDIT_WARN_THRESHOLD: '2000',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sparrow.stop();
  });

  it('reports the Sparrow credit balance in /health/ready', async () => {
    const res = await request(t.url).get('/health/ready').expect(200);
    const sms = { status: 'up', provider: 'sparrow', creditsAvailable: 1234 };
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, sms },
      details: { database: { status: 'up' }, sms },
    });
    expect(sparrow.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/v2/credit/', query: { token: TOKEN } }),
    ]);
    const lowBalance = t.logs
      .parsed()
      .find(
        (line) => line.msg === 'Sparrow credits are running low: top up in the Sparrow dashboard',
      );
    expect(lowBalance).toMatchObject({ level: 40, creditsAvailable: 1234, warnBelow: 2000 });
  });

  it('asks Sparrow at most once a minute however often readiness is probed', async () => {
    await Promise.all([1, 2, 3, 4, 5].map(() => request(t.url).get('/health/ready').expect(200)));
    expect(sparrow.requests).toHaveLength(1);
  });

  it('sends with the configured adapter, not the fake gateway', async () => {
    const gateway = t.app.get(SmsGateway);
    expect(gateway.provider).toBe('sparrow');
    await gateway.send({ to: '+9779812345678', text: '123456 is your code' });
    expect(sparrow.smsRequests.at(-1)?.fields).toMatchObject({ to: '9812345678', from: 'Example' });
    expect(() => t.sms).toThrow(/realSmsGateway/);
  });

  it('stays ready, with the SMS detail unknown, when Sparrow is down', async () => {
    await sparrow.stop();
    t.clock.advance(CREDIT_CACHE_MS / 1000 + 1);
    const res = await request(t.url).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
    expect(res.body.info.sms).toEqual({ status: 'unknown', provider: 'sparrow' });
  });

  it('never logs the Sparrow token', () => {
    expect(t.logs.all.length).toBeGreaterThan(0);
    expect(t.logs.text()).not.toContain(TOKEN);
  });
});

describe('readiness with the console gateway', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('has no SMS detail, and the fake gateway is wired in', async () => {
    const res = await request(t.url).get('/health/ready').expect(200);
    expect(res.body.info).not.toHaveProperty('sms');
    expect(t.app.get(SmsGateway)).toBe(t.sms);
  });
});
