import { FakeAakashServer } from '../fakes/fake-aakash-server';
import { FakeSparrowServer, sparrowReplies } from '../fakes/fake-sparrow-server';
import { registerUser } from '../support/accounts';
import { startVerification, uniquePhone } from '../support/verification-flow';
import { asUser, ConsoleApp, createConsoleApp } from './support/console-app';

const SPARROW_TOKEN = 'e2e-sparrow-token-0c4d1e2f';
const AAKASH_TOKEN = 'e2e-aakash-token-9a8b7c6d';

/** GET /v1/admin/gateways: what the router on this instance knows of each gateway. */
describe('gateway health in the console (fake Sparrow and Aakash over HTTP)', () => {
  const sparrow = new FakeSparrowServer({ token: SPARROW_TOKEN, credits: 750 });
  const aakash = new FakeAakashServer({ token: AAKASH_TOKEN });
  let c: ConsoleApp;

  beforeAll(async () => {
    await Promise.all([sparrow.start(), aakash.start()]);
    c = await createConsoleApp({
      realSmsGateway: true,
      env: {
        ...sparrow.appEnv(),
        SMS_GATEWAY: 'sparrow,aakash',
        AAKASH_BASE_URL: aakash.url,
        AAKASH_TOKEN,
        SMS_GATEWAY_FAILURE_THRESHOLD: '1',
        SMS_GATEWAY_OPEN_SECONDS: '300',
      },
    });
  });
  afterAll(async () => {
    await c?.t.close();
    await Promise.all([sparrow.stop(), aakash.stop()]);
  });

  it('lists the gateways in routing order, untouched before the first send', async () => {
    const res = await asUser(c.t, c.admin).get('/v1/admin/gateways').expect(200);
    expect(res.body).toEqual([
      {
        gateway: 'sparrow',
        circuit: 'closed',
        lastOutcome: null,
        lastOutcomeAt: null,
        lastLatencyMs: null,
        credits: 750,
      },
      {
        gateway: 'aakash',
        circuit: 'closed',
        lastOutcome: null,
        lastOutcomeAt: null,
        lastLatencyMs: null,
        credits: null,
      },
    ]);
  });

  it('shows an open circuit and the outcomes after a failover', async () => {
    sparrow.respondNextWith(sparrowReplies.refuse(1012));
    const { accessToken } = await registerUser(c.t.url);
    await startVerification(c.t.url, accessToken, uniquePhone()).expect(201);

    const res = await asUser(c.t, c.admin).get('/v1/admin/gateways').expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({ gateway: 'sparrow', circuit: 'open', lastOutcome: 'refused' }),
      expect.objectContaining({ gateway: 'aakash', circuit: 'closed', lastOutcome: 'sent' }),
    ]);
    for (const row of res.body as Array<{ lastOutcomeAt: string; lastLatencyMs: number }>) {
      expect(Date.parse(row.lastOutcomeAt)).not.toBeNaN();
      expect(row.lastLatencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('is for operators only', async () => {
    await asUser(c.t, c.member).get('/v1/admin/gateways').expect(403);
  });
});
