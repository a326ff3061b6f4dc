import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { FraudService } from '../../src/fraud/fraud.service';
import { MetricsService } from '../../src/metrics/metrics.service';
import { SendRefusalCounts } from '../../src/metrics/send-refusals/send-refusal-counts';
import { registerUser } from '../support/accounts';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { parseSamples, Sample, valueOf } from './support/prometheus-text';

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-jwt-secret-of-enough-length',
  OTP_HMAC_SECRET: 'a-production-otp-hmac-secret-of-enough-length',
  CHALLENGE_HMAC_SECRET: 'a-production-challenge-secret-of-enough-length',
  SMS_GATEWAY: 'sparrow',
  SPARROW_TOKEN: 'sparrow-token',
  SPARROW_FROM: 'Example',
  SPARROW_BASE_URL: 'http://127.0.0.1:9',
};
const TOKEN = 'a-metrics-token-for-the-tests';

async function scrape(t: TestApp): Promise<Sample[]> {
  const res = await request(t.url).get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseSamples(res.text);
}

describe('GET /metrics: the series and what moves them', () => {
  let t: TestApp;
  let metrics: MetricsService;
  beforeAll(async () => {
    t = await createTestApp();
    metrics = t.app.get(MetricsService);
  });
  afterAll(() => t?.close());

  it('has the default process metrics and every series, the bounded ones at 0 from the start', async () => {
    await request(t.url).get('/health/live').expect(200);
    const samples = await scrape(t);
    const names = new Set(samples.map((sample) => sample.name));
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'phone_verify_fraud_blocks_active',
      'http_request_duration_seconds_bucket',
    ]) {
      expect([name, names.has(name)]).toEqual([name, true]);
    }
    for (const outcome of ['approved', 'wrong_code', 'expired', 'too_many_attempts', 'not_found']) {
      expect(samples).toContainEqual({
        name: 'phone_verify_checks_total',
        labels: { outcome },
        value: 0,
      });
    }
    for (const reason of ['cooldown', 'phone', 'user', 'ip', 'budget', 'blocked', 'challenge']) {
      expect(samples).toContainEqual({
        name: 'phone_verify_send_refusals_total',
        labels: { reason },
        value: 0,
      });
    }
  });

  it('counts gateway attempts by gateway, operator and outcome, and times them', async () => {
    const before = await scrape(t);
    metrics.smsAttempt('sparrow', 'NTC', 'sent', 0.2);
    metrics.smsAttempt('sparrow', 'NTC', 'sent', 0.3);
    metrics.smsAttempt('aakash', null, 'unreached', 5);
    metrics.smsAttempt('aakash', 'NCELL', 'refused', 0.04);
    const after = await scrape(t);
    const moved = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    const sms = 'phone_verify_sms_total';
    expect(moved(sms, { gateway: 'sparrow', operator: 'NTC', outcome: 'sent' })).toBe(2);
    expect(moved(sms, { gateway: 'aakash', operator: 'none', outcome: 'unreached' })).toBe(1);
    expect(moved(sms, { gateway: 'aakash', operator: 'NCELL', outcome: 'refused' })).toBe(1);
    const duration = 'phone_verify_gateway_request_duration_seconds';
    expect(moved(`${duration}_count`, { gateway: 'sparrow' })).toBe(2);
    expect(moved(`${duration}_sum`, { gateway: 'sparrow' })).toBeCloseTo(0.5, 9);
    expect(moved(`${duration}_bucket`, { gateway: 'aakash', le: '0.05' })).toBe(1);
    expect(moved(`${duration}_bucket`, { gateway: 'aakash', le: '5' })).toBe(2);
  });

  it('folds a label value it does not expect into "other" instead of a new series', async () => {
    metrics.smsAttempt('Not A Gateway!', '+9779841234567', 'sent', 0.1);
    const samples = await scrape(t);
    expect(
      valueOf(samples, 'phone_verify_sms_total', {
        gateway: 'other',
        operator: 'other',
        outcome: 'sent',
      }),
    ).toBe(1);
  });

  it('counts checks and refusals by outcome and reason, and sets gateway credits', async () => {
    const before = await scrape(t);
    metrics.check('approved');
    metrics.check('wrong_code');
    metrics.check('wrong_code');
    metrics.check('too_many_attempts');
    metrics.sendRefused('cooldown');
    metrics.sendRefused('blocked');
    metrics.sendRefused('blocked');
    metrics.gatewayCredits('sparrow', 1234);
    metrics.gatewayCredits('sparrow', 1200);
    const after = await scrape(t);
    const moved = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('phone_verify_checks_total', { outcome: 'approved' })).toBe(1);
    expect(moved('phone_verify_checks_total', { outcome: 'wrong_code' })).toBe(2);
    expect(moved('phone_verify_checks_total', { outcome: 'too_many_attempts' })).toBe(1);
    expect(moved('phone_verify_checks_total', { outcome: 'expired' })).toBe(0);
    expect(moved('phone_verify_send_refusals_total', { reason: 'cooldown' })).toBe(1);
    expect(moved('phone_verify_send_refusals_total', { reason: 'blocked' })).toBe(2);
    expect(valueOf(after, 'phone_verify_gateway_credits', { gateway: 'sparrow' })).toBe(1200);
  });

  it('reads the blocks in force at scrape time', async () => {
    const before = valueOf(await scrape(t), 'phone_verify_fraud_blocks_active');
    const fraud = t.app.get(FraudService);
    const block = await fraud.addBlock({
      target: { prefix: '984999' },
      seconds: 60,
      reason: 'test',
      createdBy: 'ops',
    });
    expect(valueOf(await scrape(t), 'phone_verify_fraud_blocks_active')).toBe(before + 1);
    await fraud.liftBlock(block.id, 'ops');
    expect(valueOf(await scrape(t), 'phone_verify_fraud_blocks_active')).toBe(before);
  });

  it('times every request under its route pattern, never its URL, and nothing personal in any label', async () => {
    const user = await registerUser(t.url);
    const id = randomUUID();
    const phone = '9841234567';
    await request(t.url)
      .get(`/v1/phone-verifications/${id}`)
      .set('authorization', `Bearer ${user.accessToken}`)
      .expect(404);
    await request(t.url)
      .post('/v1/phone-verifications')
      .set('authorization', `Bearer ${user.accessToken}`)
      .send({ phone })
      .expect(201);
    await request(t.url).get(`/no/such/route/${id}`).expect(404);
    const res = await request(t.url).get('/metrics').expect(200);
    const samples = parseSamples(res.text);
    const count = 'http_request_duration_seconds_count';
    expect(
      valueOf(samples, count, {
        method: 'GET',
        route: '/v1/phone-verifications/:id',
        status_code: '404',
      }),
    ).toBe(1);
    expect(
      valueOf(samples, count, {
        method: 'POST',
        route: '/v1/phone-verifications',
        status_code: '201',
      }),
    ).toBe(1);
    expect(
      valueOf(samples, count, { method: 'POST', route: '/v1/auth/register', status_code: '201' }),
    ).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, count, { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(
      1,
    );
    for (const personal of [
      id,
      user.id,
      user.username,
      phone,
      '127.0.0.1',
      t.sms.lastCodeFor(`+977${phone}`),
    ]) {
      expect([personal, res.text.includes(personal)]).toEqual([personal, false]);
    }
  });
});

describe('GET /metrics: who may scrape', () => {
  it('with METRICS_TOKEN, needs it as a Bearer token (401 problem+json otherwise)', async () => {
    const t = await createTestApp({ env: { METRICS_TOKEN: TOKEN } });
    try {
      for (const header of [
        undefined,
        'Bearer wrong-token',
        `Basic ${TOKEN}`,
        `Bearer ${TOKEN}x`,
        TOKEN,
      ]) {
        const req = request(t.url).get('/metrics');
        const res = await (header === undefined ? req : req.set('authorization', header));
        expect([header, res.status, res.body.code]).toEqual([header, 401, 'UNAUTHENTICATED']);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      const ok = await request(t.url).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('phone_verify_sms_total');
    } finally {
      await t.close();
    }
  });

  it('in production without METRICS_TOKEN, does not exist (404); with one, needs it', async () => {
    const off = await createTestApp({ env: PRODUCTION });
    try {
      const res = await request(off.url).get('/metrics').expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
      await request(off.url).get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(404);
    } finally {
      await off.close();
    }
    const on = await createTestApp({ env: { ...PRODUCTION, METRICS_TOKEN: TOKEN } });
    try {
      await request(on.url).get('/metrics').expect(401);
      await request(on.url).get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200);
    } finally {
      await on.close();
    }
  });

  it('is open outside production when no token is set', async () => {
    const t = await createTestApp({ env: { NODE_ENV: 'development' } });
    try {
      await request(t.url).get('/metrics').expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('refusal counts kept for the statistics API', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  /** Read on a connection of its own: the app's pool is gone after close(). */
  async function storedCounts(): Promise<Array<{ hour: string; reason: string; count: number }>> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ hour: Date; reason: string; count: number }>(
        'SELECT hour, reason, count FROM send_refusal_counts ORDER BY hour, reason',
      );
      return rows.map((row) => ({
        hour: row.hour.toISOString(),
        reason: row.reason,
        count: row.count,
      }));
    } finally {
      await client.end();
    }
  }

  it('writes nothing while refusing, adds per hour and reason on flush and at shutdown', async () => {
    const t = await createTestApp({ database });
    const metrics = t.app.get(MetricsService);
    t.clock.set(new Date('2026-11-20T09:59:59.000Z'));
    metrics.sendRefused('ip');
    t.clock.set(new Date('2026-11-20T10:00:00.000Z'));
    metrics.sendRefused('ip');
    metrics.sendRefused('ip');
    metrics.sendRefused('phone');
    expect(await storedCounts()).toEqual([]);

    await t.app.get(SendRefusalCounts).flush();
    expect(await storedCounts()).toEqual([
      { hour: '2026-11-20T09:00:00.000Z', reason: 'ip', count: 1 },
      { hour: '2026-11-20T10:00:00.000Z', reason: 'ip', count: 2 },
      { hour: '2026-11-20T10:00:00.000Z', reason: 'phone', count: 1 },
    ]);

    metrics.sendRefused('ip'); // still in memory when the app stops
    await t.close();
    expect(await storedCounts()).toContainEqual({
      hour: '2026-11-20T10:00:00.000Z',
      reason: 'ip',
      count: 3,
    });
  });
});
