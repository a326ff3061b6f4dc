import request from 'supertest';
import { SmsGateway } from '../src/sms/sms-gateway';
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

  // Found in the review of issue 14: readiness, which anyone may call, showed the Sparrow credit
  // balance (and asked Sparrow for it). Admins see gateways in their own console.
  it('discloses no SMS balance or account detail in /health/ready, and asks Sparrow nothing', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await request(t.url).get('/health/ready').expect(200);
      const database = { status: 'up', responseTime: expect.any(Number) };
      expect(res.body).toEqual({
        status: 'ok',
        info: { database },
        error: {},
        details: { database },
      });
      expect(res.text).not.toContain('1234');
    }
    expect(sparrow.requests.filter((r) => r.path === '/v2/credit/')).toEqual([]);
  });

  it('sends with the configured adapter, not the fake gateway', async () => {
    const gateway = t.app.get(SmsGateway);
    expect(gateway.provider).toBe('sparrow');
    await gateway.send({ to: '+9779812345678', text: '123456 is your code' });
    expect(sparrow.smsRequests.at(-1)?.fields).toMatchObject({ to: '9812345678', from: 'Example' });
    expect(() => t.sms).toThrow(/realSmsGateway/);
  });

  it('stays ready when Sparrow is down: readiness is about this instance and its database', async () => {
    await sparrow.stop();
    const res = await request(t.url).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.info)).toEqual(['database']);
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
