import request from 'supertest';
import { FakeSparrowServer } from '../fakes/fake-sparrow-server';
import { registerUser } from '../support/accounts';
import {
  AppProcess,
  freePort,
  killAppProcesses,
  runAppProcessToExit,
  startAppProcess,
} from '../support/app-process';
import { createTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/*
 * Issue 21, logs an operator can ship: in production every line the process writes is JSON, from
 * Nest's first start-up line to a failed start; a bad configuration is one fatal line naming every
 * bad variable; an error's code (ECONNREFUSED, EADDRINUSE) is kept; a line after the port is
 * bound says where the service listens; look-alike variables are named in a warning; request lines
 * carry the client IP and the user id.
 */

type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** Every non-empty line of `text`, parsed: a line that is not JSON fails the test here. */
function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}

const printLines = (label: string, text: string) =>
  process.stdout.write(`[startup-logs] ${label}:\n${text.trimEnd()}\n`);

describe('Start-up logs of a production process', () => {
  const sparrow = new FakeSparrowServer({ token: 'startup-logs-sparrow-token' });
  let database: TestDatabase;
  let running: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    await sparrow.start();
  });
  afterAll(async () => {
    killAppProcesses();
    await sparrow.stop();
    await database?.drop();
  });

  it('a bad configuration: every line JSON, one fatal line naming every bad variable, no stack, exit 1', async () => {
    const run = await runAppProcessToExit({
      JWT_SECRET: '', // empty counts as unset: required in production
      OTP_HMAC_SECRET: 'too-short',
      PORT: 'eighty',
      SMS_GATEWAY: 'console',
      TRUSTPROXY: '1',
    });
    printLines('bad configuration, stdout', run.stdout);
    printLines('bad configuration, stderr', run.stderr || '(empty)');

    expect(run.exit).toEqual({ code: 1, signal: null });
    const lines = [...jsonLines(run.stdout), ...jsonLines(run.stderr)];
    expect(run.stdout + run.stderr).not.toContain('\u001b['); // no colours
    const failures = lines.filter((line) => line.level >= 50);
    expect(failures).toHaveLength(1);
    const [fatal] = failures;
    expect(fatal.level).toBe(60);
    const problems = fatal.problems as Array<{ variable: string; problem: string }>;
    expect(problems.map((p) => p.variable).sort()).toEqual(
      ['JWT_SECRET', 'OTP_HMAC_SECRET', 'PORT', 'SMS_GATEWAY'].sort(),
    );
    for (const name of ['JWT_SECRET', 'OTP_HMAC_SECRET', 'PORT', 'SMS_GATEWAY']) {
      expect(fatal.msg).toContain(name);
    }
    // the misspelt variable that may be the cause is named too
    expect(fatal.msg).toContain('TRUSTPROXY (did you mean TRUST_PROXY?)');
    expect(fatal).not.toHaveProperty('err');
    expect(JSON.stringify(fatal)).not.toMatch(/"stack"|\\n\s+at /);
    expect(JSON.stringify(lines)).not.toContain('too-short'); // a secret's value is never echoed
  }, 90_000);

  it('names look-alike variables in a warning, and says where it listens once the port is bound', async () => {
    running = await startAppProcess({
      env: {
        DATABASE_URL: database.url,
        ...sparrow.appEnv(),
        TRUSTPROXY: '1',
        REDIS_HOST: 'cache.internal',
        OTP_LENGHT: '6',
        SPARROW_TOKN: 'a-secret-value-in-a-misspelt-name',
      },
    });
    const lines = jsonLines(running.output());
    const warning = lines.find((line) => line.context === 'Configuration' && line.level === 40);
    printLines('look-alike warning', JSON.stringify(warning));
    expect(warning?.variables).toEqual([
      { name: 'OTP_LENGHT', suggestion: 'OTP_LENGTH' },
      { name: 'REDIS_HOST' },
      { name: 'SPARROW_TOKN', suggestion: 'SPARROW_TOKEN' },
      { name: 'TRUSTPROXY', suggestion: 'TRUST_PROXY' },
    ]);
    expect(warning?.msg).toBe(
      "Unknown variables that look like this service's are ignored: OTP_LENGHT (did you mean OTP_LENGTH?), REDIS_HOST, SPARROW_TOKN (did you mean SPARROW_TOKEN?), TRUSTPROXY (did you mean TRUST_PROXY?)",
    );
    expect(running.output()).not.toContain('a-secret-value-in-a-misspelt-name');

    const listening = lines.findIndex((line) => line.msg === `Listening on ${running!.url}`);
    expect(listening).toBeGreaterThan(-1);
    expect(lines[listening]).toMatchObject({ level: 30, address: '127.0.0.1', port: running.port });
    // after every start-up line (the routes are mapped when Nest initialises, before the bind)
    const lastRouteLine = lines.map((line) => line.context).lastIndexOf('RouterExplorer');
    expect(listening).toBeGreaterThan(lastRouteLine);
    // Nest's "successfully started" comes before the bind: not said at info any more
    expect(lines.filter((line) => /successfully started/.test(line.msg ?? ''))).toEqual([]);
  }, 90_000);

  it('a port already taken: no listening line, one fatal line with the error code EADDRINUSE', async () => {
    const run = await runAppProcessToExit({
      DATABASE_URL: database.url,
      ...sparrow.appEnv(),
      PORT: String(running!.port),
    });
    printLines('port taken', run.stdout.split('\n').slice(-3).join('\n'));
    expect(run.exit.code).toBe(1);
    const lines = [...jsonLines(run.stdout), ...jsonLines(run.stderr)];
    expect(lines.filter((line) => /^Listening on/.test(line.msg ?? ''))).toEqual([]);
    const fatal = lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0].msg).toMatch(/^Start-up failed: listen EADDRINUSE/);
    expect(fatal[0].err).toMatchObject({ code: 'EADDRINUSE' });
  }, 90_000);

  it('a database that refuses connections: the error code ECONNREFUSED is logged, not redacted', async () => {
    const closed = await freePort();
    const run = await runAppProcessToExit({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/nothing_here_test`,
      ...sparrow.appEnv(),
    });
    printLines('database refused', run.stdout.split('\n').slice(-3).join('\n'));
    expect(run.exit.code).toBe(1);
    const lines = [...jsonLines(run.stdout), ...jsonLines(run.stderr)];
    const fatal = lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0].msg).toMatch(/^Start-up failed: .*ECONNREFUSED/);
    expect(fatal[0].err).toMatchObject({ code: 'ECONNREFUSED' });
    // TypeORM's retries are logged as JSON errors with their code too
    expect(lines.some((line) => line.context === 'TypeOrmModule' && line.level === 50)).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('[redacted]');
  }, 90_000);
});

describe('Request log lines', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('carry the client IP as TRUST_PROXY resolves it, and the user id once the token is read', async () => {
    const user = await registerUser(app.url);
    await request(app.url)
      .get('/v1/users/me')
      .set('authorization', `Bearer ${user.accessToken}`)
      .set('x-forwarded-for', '203.0.113.7')
      .set('x-request-id', 'log-fields-me')
      .expect(200);
    await request(app.url)
      .get('/health/live')
      .set('x-forwarded-for', '2001:DB8:0:0::1')
      .set('x-request-id', 'log-fields-live')
      .expect(200);
    await request(app.url)
      .get('/v1/users/me')
      .set('authorization', 'Bearer not-a-token')
      .set('x-forwarded-for', '198.51.100.9')
      .set('x-request-id', 'log-fields-refused')
      .expect(401);

    const line = (id: string) =>
      app.logs
        .parsed()
        .find((entry) => (entry.req as { id?: string } | undefined)?.id === id && 'res' in entry);
    process.stdout.write(`[startup-logs] request line: ${JSON.stringify(line('log-fields-me'))}\n`);
    expect(line('log-fields-me')).toMatchObject({
      clientIp: '203.0.113.7',
      userId: user.id,
      req: { method: 'GET', url: '/v1/users/me' },
      res: { statusCode: 200 },
    });
    expect(line('log-fields-live')).toMatchObject({ clientIp: '2001:db8::1' });
    expect(line('log-fields-live')).not.toHaveProperty('userId');
    expect(line('log-fields-refused')).toMatchObject({
      clientIp: '198.51.100.9',
      res: { statusCode: 401 },
    });
    expect(line('log-fields-refused')).not.toHaveProperty('userId');
  });
});
