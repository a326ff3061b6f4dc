import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { registerUser } from './support/accounts';
import { createEmbeddedTestApp, TestApp } from './support/test-app';
import { checkCode, e164, startVerification, uniquePhone } from './support/verification-flow';

/**
 * The default path of `npm start`: no DATABASE_URL, so the embedded PostgreSQL (PGlite) under
 * DATA_DIR, with the same migrations. Kept small (PGlite is slow to create), so it cannot rot.
 */
describe('on the embedded database (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pv-embedded-test-'));
  let t: TestApp | undefined;

  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates, answers readiness, writes, and keeps the data across a restart', async () => {
    t = await createEmbeddedTestApp(dataDir);
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
    const migrations = await t.dataSource.query('SELECT name FROM migrations ORDER BY id');
    expect(migrations.length).toBeGreaterThanOrEqual(4);

    const account = await registerUser(t.url);
    const phone = uniquePhone();
    await startVerification(t.url, account.accessToken, phone).expect(201);
    await checkCode(t.url, account.accessToken, phone, t.sms.lastCodeFor(e164(phone))).expect(200);
    await t.close();

    t = await createEmbeddedTestApp(dataDir);
    const login = await request(t.url)
      .post('/v1/auth/login')
      .send({ username: account.username, password: account.password })
      .expect(200);
    const me = await request(t.url)
      .get('/v1/users/me')
      .set('authorization', `Bearer ${login.body.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({
      username: account.username,
      phoneNumber: e164(phone),
      phoneVerified: true,
    });
  }, 60_000);
});
