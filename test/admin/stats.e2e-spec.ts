import { MetricsService } from '../../src/metrics/metrics.service';
import { registerUser } from '../support/accounts';
import { checkCode, e164, startVerification, uniquePhone } from '../support/verification-flow';
import { asUser, ConsoleApp, createConsoleApp } from './support/console-app';
import { ScriptedSend, writeSend } from './support/delivery-rows';

const at = (time: string) => new Date(`2026-11-20T${time}Z`);

/** Every number below follows from this script; the expectations are worked out by hand. */
const SCRIPT: ScriptedSend[] = [
  // 08:00–09:00: an NTC send approved; an Ncell send refused by Aakash, failed over to Sparrow
  {
    phone: '+9779841000001',
    operator: 'NTC',
    at: at('08:01:00'),
    attempts: [{ gateway: 'sparrow', outcome: 'sent', latencyMs: 100 }],
    approvedAt: at('08:05:00'),
  },
  {
    phone: '+9779811000002',
    operator: 'NCELL',
    at: at('08:40:00'),
    attempts: [
      { gateway: 'aakash', outcome: 'refused', latencyMs: 50 },
      { gateway: 'sparrow', outcome: 'sent', latencyMs: 300, after: 1 },
    ],
  },
  // 09:00–10:00: an NTC send with no trustworthy answer that arrived anyway; a Smart one unreached
  {
    phone: '+9779841000003',
    operator: 'NTC',
    at: at('09:02:00'),
    attempts: [{ gateway: 'sparrow', outcome: 'unknown', latencyMs: 5000 }],
    approvedAt: at('09:10:00'),
  },
  {
    phone: '+9779881000004',
    operator: 'SMART',
    at: at('09:30:00'),
    attempts: [{ gateway: 'sparrow', outcome: 'unreached', latencyMs: null }],
  },
  // 10:00–10:30: an Ncell send approved
  {
    phone: '+9779811000005',
    operator: 'NCELL',
    at: at('10:05:00'),
    attempts: [{ gateway: 'sparrow', outcome: 'sent', latencyMs: 200 }],
    approvedAt: at('10:20:00'),
  },
  // outside the range asked for: counted nowhere
  {
    phone: '+9779841000006',
    operator: 'NTC',
    at: at('07:59:59'),
    attempts: [{ gateway: 'sparrow', outcome: 'sent', latencyMs: 999 }],
    approvedAt: at('10:30:00'),
  },
];

const NO_REFUSALS = { cooldown: 0, phone: 0, user: 0, ip: 0, budget: 0, blocked: 0, challenge: 0 };

describe('GET /v1/admin/stats (real PostgreSQL)', () => {
  let c: ConsoleApp;
  beforeAll(async () => {
    c = await createConsoleApp();
    for (const send of SCRIPT) await writeSend(c.t.db, c.member.id, send);
    // refusals where they happen: three cooldowns and an IP limit at 09:30, the budget twice at 10:10
    const metrics = c.t.app.get(MetricsService);
    c.t.clock.set(at('09:30:00'));
    for (const reason of ['cooldown', 'cooldown', 'cooldown', 'ip'] as const) {
      metrics.sendRefused(reason);
    }
    c.t.clock.set(at('10:10:00'));
    metrics.sendRefused('budget');
    metrics.sendRefused('budget');
    c.t.clock.set(at('10:30:00'));
  });
  afterAll(() => c?.t.close());

  const stats = (query: string) => asUser(c.t, c.admin).get(`/v1/admin/stats${query}`);

  it('counts the scripted sends, approvals and refusals per hour, operator and gateway', async () => {
    const res = await stats(
      '?from=2026-11-20T08:00:00Z&to=2026-11-20T10:30:00Z&bucket=hour',
    ).expect(200);
    expect(res.body).toEqual({
      from: '2026-11-20T08:00:00.000Z',
      to: '2026-11-20T10:30:00.000Z',
      bucket: 'hour',
      totals: {
        sent: 4,
        refused: 2,
        unknown: 1,
        approved: 3,
        conversionRate: 0.75,
        refusals: { ...NO_REFUSALS, cooldown: 3, ip: 1, budget: 2 },
      },
      buckets: [
        {
          start: '2026-11-20T08:00:00.000Z',
          sent: 2,
          refused: 1,
          unknown: 0,
          approved: 1,
          conversionRate: 0.5,
          refusals: NO_REFUSALS,
        },
        {
          start: '2026-11-20T09:00:00.000Z',
          sent: 1,
          refused: 1,
          unknown: 1,
          approved: 1,
          conversionRate: 1,
          refusals: { ...NO_REFUSALS, cooldown: 3, ip: 1 },
        },
        {
          start: '2026-11-20T10:00:00.000Z',
          sent: 1,
          refused: 0,
          unknown: 0,
          approved: 1,
          conversionRate: 1,
          refusals: { ...NO_REFUSALS, budget: 2 },
        },
      ],
      byOperator: [
        { operator: 'NCELL', sent: 2, approved: 1, conversionRate: 0.5 },
        { operator: 'NTC', sent: 2, approved: 2, conversionRate: 1 },
        { operator: 'SMART', sent: 0, approved: 0, conversionRate: null },
      ],
      byGateway: [
        { gateway: 'aakash', sent: 0, refused: 1, unknown: 0, p50Ms: 50, p95Ms: 50 },
        // latencies 100, 200, 300, 5000: the median between 200 and 300, p95 at 2.85 of 3 steps
        { gateway: 'sparrow', sent: 4, refused: 1, unknown: 1, p50Ms: 250, p95Ms: 4295 },
      ],
    });
  });

  it('sums the same rows into UTC days', async () => {
    const res = await stats('?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&bucket=day').expect(
      200,
    );
    expect(res.body.buckets).toHaveLength(1);
    // the 07:59:59 send is inside this day; its approval (10:30) too
    expect(res.body.totals).toMatchObject({ sent: 5, refused: 2, unknown: 1, approved: 4 });
    expect(res.body.buckets[0]).toMatchObject({ start: '2026-11-20T00:00:00.000Z', sent: 5 });
  });

  it('by default covers the last 24 hours by hour, empty hours included', async () => {
    const res = await stats('').expect(200);
    expect(res.body.bucket).toBe('hour');
    expect(res.body.to).toBe('2026-11-20T10:30:00.000Z');
    expect(res.body.from).toBe('2026-11-19T10:30:00.000Z');
    expect(res.body.buckets).toHaveLength(25); // 10:00 yesterday (partial) … 10:00 today (partial)
    expect(res.body.buckets[0]).toMatchObject({ sent: 0, approved: 0, conversionRate: null });
    // the 07:59:59 send counts now; the approval at 10:30 does not (`to` is exclusive)
    expect(res.body.totals).toMatchObject({ sent: 5, approved: 3 });
  });

  it.each([
    ['?bucket=week', 'bucket'],
    ['?from=yesterday', 'from'],
    ['?to=2026-13-01T00:00:00Z', 'to'],
    ['?from=2026-11-20T10:00:00Z&to=2026-11-20T09:00:00Z', 'from'],
    ['?from=2026-10-01T00:00:00Z&to=2026-11-20T00:00:00Z&bucket=hour', 'from'],
    ['?from=2024-01-01T00:00:00Z&to=2026-11-20T00:00:00Z&bucket=day', 'from'],
    ['?limit=5', 'limit'],
  ])('refuses %s with 400 VALIDATION_FAILED naming %s', async (query, field) => {
    const res = await stats(query).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('accepts a month by hour and a year by day', async () => {
    await stats('?from=2026-10-20T10:30:00Z&to=2026-11-20T10:30:00Z&bucket=hour').expect(200);
    const year = await stats('?from=2025-11-20T00:00:00Z&to=2026-11-20T00:00:00Z&bucket=day');
    expect(year.status).toBe(200);
    expect(year.body.buckets).toHaveLength(365);
  });
});

describe('GET /v1/admin/stats after sends and checks through the API (smoke)', () => {
  let c: ConsoleApp;
  beforeAll(async () => {
    c = await createConsoleApp();
  });
  afterAll(() => c?.t.close());

  it('counts an SMS sent and approved through the API with the fake gateway', async () => {
    const user = await registerUser(c.t.url);
    const phone = uniquePhone('984');
    await startVerification(c.t.url, user.accessToken, phone).expect(201);
    const second = uniquePhone('981');
    await startVerification(c.t.url, user.accessToken, second).expect(201);
    await checkCode(c.t.url, user.accessToken, second, c.t.sms.lastCodeFor(e164(second))).expect(
      200,
    );
    c.t.clock.advance(1);
    const res = await asUser(c.t, c.admin).get('/v1/admin/stats').expect(200);
    expect(res.body.totals).toMatchObject({
      sent: 2,
      refused: 0,
      approved: 1,
      conversionRate: 0.5,
    });
    expect(res.body.byOperator).toEqual(
      expect.arrayContaining([expect.objectContaining({ operator: 'NCELL', approved: 1 })]),
    );
  });
});
