import request from 'supertest';
import { registerUser } from './support/accounts';
import { createTestApp, TestApp } from './support/test-app';
import { startVerification, uniquePhone } from './support/verification-flow';

/*
 * The client IP every per-IP rule counts and every client_ip column stores: resolved once per
 * request from the socket and X-Forwarded-For as TRUST_PROXY allows, in one canonical text.
 * supertest connects from 127.0.0.1, so that is the peer throughout.
 */

const ZONE_ID_FLOOD = `fe80::1%${'a'.repeat(200)}`;

/** The client_ip stored for a send: on the verification and on its delivery-log row. */
async function storedClientIps(t: TestApp, verificationId: string): Promise<string[]> {
  const rows = await t.dataSource.query<Array<{ client_ip: string }>>(
    `SELECT client_ip FROM phone_verifications WHERE id = $1
     UNION ALL SELECT client_ip FROM sms_messages WHERE verification_id = $1`,
    [verificationId],
  );
  return rows.map((row) => row.client_ip);
}

async function sendFrom(t: TestApp, forwardedFor: string): Promise<string[]> {
  const account = await registerUser(t.url);
  const res = await startVerification(t.url, account.accessToken, uniquePhone(), {
    'x-forwarded-for': forwardedFor,
  }).expect(201);
  return storedClientIps(t, res.body.id);
}

describe('Client IP from X-Forwarded-For with a hop count (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => t.close());

  // Found in the review of issue 14: the zone id went whole into client_ip (varchar(45) on the
  // send path, varchar(64) at login), whose overflow answered 500.
  const headerValues = [
    ['a 200-character zone id (was 500)', ZONE_ID_FLOOD],
    ['a short zone id', 'fe80::1%eth0'],
    ['garbage', 'not an address'],
    ['an address with a port', '203.0.113.9:4711'],
  ];

  it.each(headerValues)(
    'answers a login normally when X-Forwarded-For holds %s',
    async (_, forwardedFor) => {
      const account = await registerUser(t.url);
      await request(t.url)
        .post('/v1/auth/login')
        .set('x-forwarded-for', forwardedFor)
        .send({ username: account.username, password: 'wrong password' })
        .expect(401);
    },
  );

  it.each(headerValues)(
    'answers a send normally when X-Forwarded-For holds %s',
    async (_, forwardedFor) => {
      const account = await registerUser(t.url);
      await startVerification(t.url, account.accessToken, uniquePhone(), {
        'x-forwarded-for': forwardedFor,
      }).expect(201);
    },
  );

  it('stores what is not an address as the proxy that passed it on, and a zone id not at all', async () => {
    expect(await sendFrom(t, ZONE_ID_FLOOD)).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(await sendFrom(t, 'not an address')).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(await sendFrom(t, 'fe80::1%eth0')).toEqual(['fe80::1', 'fe80::1']);
  });

  it('stores one canonical text for every spelling of an address', async () => {
    expect(await sendFrom(t, '2001:DB8:0:0::1')).toEqual(['2001:db8::1', '2001:db8::1']);
    expect(await sendFrom(t, '2001:0db8:0000:0000:0000:0000:0000:0001')).toEqual([
      '2001:db8::1',
      '2001:db8::1',
    ]);
    expect(await sendFrom(t, '::ffff:203.0.113.7')).toEqual(['203.0.113.7', '203.0.113.7']);
  });
});

describe('TRUST_PROXY as a list of proxy addresses (real PostgreSQL)', () => {
  let fromProxy: TestApp;
  let notFromProxy: TestApp;
  beforeAll(async () => {
    // the test's own connections come from a trusted proxy in one app and not in the other
    fromProxy = await createTestApp({ env: { TRUST_PROXY: '10.0.0.0/8, 127.0.0.1, ::1' } });
    notFromProxy = await createTestApp({
      env: { TRUST_PROXY: '10.0.0.0/8, 2001:db8:ffff::/48' },
      database: fromProxy.database,
      clock: fromProxy.clock,
    });
  });
  afterAll(async () => {
    await notFromProxy?.close();
    await fromProxy?.close();
  });

  it('takes the client from X-Forwarded-For when the peer is a listed proxy, walking past other proxies', async () => {
    expect(await sendFrom(fromProxy, '203.0.113.50')).toEqual(['203.0.113.50', '203.0.113.50']);
    expect(await sendFrom(fromProxy, '198.51.100.1, 203.0.113.51, 10.1.2.3')).toEqual([
      '203.0.113.51',
      '203.0.113.51',
    ]);
  });

  it('ignores X-Forwarded-For from a peer that is not a listed proxy', async () => {
    expect(await sendFrom(notFromProxy, '203.0.113.52')).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('so a client that is not a proxy cannot dodge the login throttle by writing the header', async () => {
    const account = await registerUser(notFromProxy.url);
    const login = (i: number, password: string) =>
      request(notFromProxy.url)
        .post('/v1/auth/login')
        .set('x-forwarded-for', `203.0.113.${i}`)
        .send({ username: account.username, password });
    for (let i = 1; i <= notFromProxy.config.auth.loginMaxFailures; i++) {
      await login(i, 'wrong password').expect(401);
    }
    await login(200, account.password).expect(429);
  });
});
