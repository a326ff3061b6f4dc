import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { FakeSparrowServer } from '../fakes/fake-sparrow-server';
import { AppProcess, freePort, killAppProcesses, startAppProcess } from '../support/app-process';
import { REDIS_URL, redisPrefix } from '../support/rate-limit-requests';
import { databaseUrl, runPrefix, SERVER_URL, withServer } from '../support/test-database';
import { uniquePhone } from '../support/verification-flow';

const ROOT = join(__dirname, '..', '..');
/** nginx connects to the instances from this address (the loopback route's source): trusted. */
const PROXY_ADDRESS = '127.0.0.1';
/** The instances listen here: reached by nginx, and by the "straight" client below. */
const INSTANCE_HOST = '127.0.0.2';
/** A client: neither the proxy nor an instance. */
const CLIENT_ADDRESS = '127.0.0.5';
const DRAIN_SECONDS = 2;
const WORKERS = 6;

/** nginx as Debian installs it (.ci/run installs it when missing). */
function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('nginx is not installed: `apt-get install -y nginx` (CI installs it in .ci/run)');
}

/**
 * deploy/nginx.conf as an operator installs it, with its two upstream servers and its listen
 * address rewritten for this test, inside a main configuration that keeps every file nginx
 * writes under `dir`.
 */
function renderNginx(dir: string, upstreams: readonly string[], listen: string): string {
  const kit = readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
  const servers = /^(\s*)server \S+( max_fails=.*;)$/gm;
  let index = 0;
  const site = kit
    .replace(
      servers,
      (_line, indent: string, rest: string) => `${indent}server ${upstreams[index++]}${rest}`,
    )
    .replace(/^(\s*)listen 80;$/m, `$1listen ${listen};`);
  if (index !== upstreams.length || !site.includes(`listen ${listen};`)) {
    throw new Error(
      'deploy/nginx.conf no longer has the two upstream servers and `listen 80;` this test rewrites',
    );
  }
  const temp = join(dir, 'temp');
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(temp, sub), { recursive: true });
    chmodSync(join(temp, sub), 0o777); // nginx's workers run as an unprivileged user
  }
  chmodSync(dir, 0o755);
  chmodSync(temp, 0o755);
  writeFileSync(join(dir, 'phone-verify.conf'), site);
  const main = join(dir, 'nginx.conf');
  writeFileSync(
    main,
    [
      'worker_processes 1;',
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      `  client_body_temp_path ${join(temp, 'body')};`,
      `  proxy_temp_path ${join(temp, 'proxy')};`,
      `  fastcgi_temp_path ${join(temp, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(temp, 'uwsgi')};`,
      `  scgi_temp_path ${join(temp, 'scgi')};`,
      `  include ${join(dir, 'phone-verify.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  return main;
}

interface Answer {
  status?: number;
  body?: Record<string, unknown>;
  /** A socket error instead of an answer. */
  error?: string;
}

/** One request from CLIENT_ADDRESS (or `from`), on `agent`'s kept-alive connections. */
function call(
  agent: Agent | undefined,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; from?: string },
): Promise<Answer> {
  return new Promise((resolve) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        agent,
        localAddress: agent ? undefined : (options.from ?? CLIENT_ADDRESS),
        headers: { ...options.headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
        timeout: 20_000,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          let body: Record<string, unknown> | undefined;
          try {
            body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
          } catch {
            body = { text: text.slice(0, 200) };
          }
          resolve({ status: res.statusCode, body });
        });
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? 'ERR' }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? 'ERR' }));
    req.end(payload);
  });
}

type LogLine = Record<string, unknown> & { msg?: string };
const logLines = (output: string): LogLine[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

/**
 * Issue 21, the deploy kit: Debian's nginx with deploy/nginx.conf in front of two instances, on a
 * database prepared with deploy/prepare-postgres.sql and migrated with `npm run migrate`. Shows
 * the client IP reaching the service, a client that reaches an instance directly unable to choose
 * its IP, and a rolling restart under a load of reads and sends with no client error.
 */
describe('Two instances behind nginx (deploy/)', () => {
  const sparrow = new FakeSparrowServer({ token: 'nginx-deploy-sparrow-token' });
  const role = `${runPrefix()}_nginx_role`;
  const databaseName = `${runPrefix()}_nginx_db`;
  const dir = mkdtempSync(join(tmpdir(), 'pv-nginx-'));
  let nginx: ChildProcess | undefined;
  let nginxUrl: string;
  let instances: AppProcess[] = [];
  const retired: AppProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    const binary = nginxBinary();
    // the database as an operator prepares it: a role of its own owning the database
    const server = new URL(SERVER_URL);
    execFileSync(
      'psql',
      [
        '-h',
        server.hostname,
        '-p',
        server.port || '5432',
        '-U',
        decodeURIComponent(server.username) || 'postgres',
        '-d',
        server.pathname.slice(1) || 'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-v',
        `role=${role}`,
        '-v',
        `database=${databaseName}`,
        '-f',
        join(ROOT, 'deploy', 'prepare-postgres.sql'),
      ],
      { stdio: 'pipe' },
    );
    const url = new URL(databaseUrl(databaseName));
    url.username = role;
    url.password = '';
    // migrated as that role, from the build, before any instance starts
    const migrated = spawnSync('npm', ['run', '--silent', 'migrate'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: url.toString() },
      encoding: 'utf8',
    });
    if (migrated.status !== 0)
      throw new Error(`npm run migrate failed:\n${migrated.stdout}${migrated.stderr}`);

    await sparrow.start();
    env = {
      DATABASE_URL: url.toString(),
      DB_MIGRATE_ON_BOOT: 'false',
      DATABASE_POOL_SIZE: '5',
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix(),
      TRUST_PROXY: PROXY_ADDRESS,
      SHUTDOWN_DRAIN_SECONDS: String(DRAIN_SECONDS),
      ...sparrow.appEnv(),
      OTP_MAX_SENDS_PER_USER_PER_DAY: '1000000',
      OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000000',
      SMS_DAILY_BUDGET: '1000000',
      AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    };
    instances = await Promise.all([0, 1].map(() => startAppProcess({ host: INSTANCE_HOST, env })));

    const port = await freePort();
    const config = renderNginx(
      dir,
      instances.map((instance) => `${INSTANCE_HOST}:${instance.port}`),
      `${PROXY_ADDRESS}:${port}`,
    );
    nginx = spawn(
      binary,
      [
        '-p',
        dir,
        '-e',
        join(dir, 'error.log'),
        '-c',
        config,
        '-g',
        `daemon off; pid ${join(dir, 'nginx.pid')};`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    nginxUrl = `http://${PROXY_ADDRESS}:${port}`;
    for (let tries = 0; ; tries++) {
      const answer = await call(undefined, `${nginxUrl}/health/live`, {});
      if (answer.status === 200) break;
      if (tries > 100 || nginx.exitCode !== null) {
        throw new Error(`nginx did not start: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);

  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    killAppProcesses();
    await sparrow.stop();
    await withServer(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS "${role}"`);
    });
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function register(agent?: Agent): Promise<{ id: string; authorization: string }> {
    const answer = await call(agent, `${nginxUrl}/v1/auth/register`, {
      method: 'POST',
      body: { username: `ng_${randomBytes(6).toString('hex')}`, password: 'long-enough-pw' },
    });
    if (answer.status !== 201) throw new Error(`register: ${JSON.stringify(answer)}`);
    const user = answer.body?.user as { id: string };
    return { id: user.id, authorization: `Bearer ${answer.body?.accessToken as string}` };
  }

  /** The request line an instance wrote for `userId`'s request to `url` (it arrives just after the answer). */
  async function requestLine(userId: string, url: string): Promise<LogLine | undefined> {
    for (let tries = 0; tries < 50; tries++) {
      const line = [...instances, ...retired]
        .flatMap((instance) => logLines(instance.output()))
        .find(
          (entry) =>
            entry.userId === userId && (entry.req as { url?: string } | undefined)?.url === url,
        );
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  it('the client IP reaches the service through nginx, and a header the client wrote does not', async () => {
    const user = await register();
    const me = await call(undefined, `${nginxUrl}/v1/users/me`, {
      headers: { authorization: user.authorization, 'x-forwarded-for': '6.6.6.6' },
    });
    expect(me.status).toBe(200);
    const phone = uniquePhone();
    const send = await call(undefined, `${nginxUrl}/v1/phone-verifications`, {
      method: 'POST',
      headers: { authorization: user.authorization, 'x-forwarded-for': '6.6.6.6' },
      body: { phone },
    });
    expect(send.status).toBe(201);

    const line = await requestLine(user.id, '/v1/users/me');
    process.stdout.write(
      `[nginx-deploy] through nginx from ${CLIENT_ADDRESS} (X-Forwarded-For: 6.6.6.6 sent by the client): ${JSON.stringify(line)}\n`,
    );
    expect(line?.clientIp).toBe(CLIENT_ADDRESS);
    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    const { rows } = await client
      .query<{ clientIp: string }>(
        'SELECT client_ip AS "clientIp" FROM sms_messages WHERE user_id = $1',
        [user.id],
      )
      .finally(() => client.end());
    expect(rows).toEqual([{ clientIp: CLIENT_ADDRESS }]);
  });

  it('a client that reaches an instance directly cannot choose its IP', async () => {
    const user = await register();
    const direct = await call(undefined, `${instances[0].url}/v1/users/me`, {
      headers: { authorization: user.authorization, 'x-forwarded-for': '5.5.5.5' },
    });
    expect(direct.status).toBe(200);
    const line = await requestLine(user.id, '/v1/users/me');
    process.stdout.write(
      `[nginx-deploy] straight to ${instances[0].url} from ${CLIENT_ADDRESS} with X-Forwarded-For: 5.5.5.5: ${JSON.stringify(line)}\n`,
    );
    expect(line?.clientIp).toBe(CLIENT_ADDRESS);
  });

  it('a rolling restart under a load of reads and sends through nginx: no client error', async () => {
    type Kind = 'send' | 'me' | 'live';
    const expected: Record<Kind, number> = { send: 201, me: 200, live: 200 };
    const counts = new Map<string, number>();
    const failures: Array<{ kind: Kind; answer: Answer; at: number }> = [];
    let stop = false;
    const started = performance.now();
    const agents = Array.from(
      { length: WORKERS },
      () => new Agent({ keepAlive: true, localAddress: CLIENT_ADDRESS }),
    );
    const users = await Promise.all(agents.map((agent) => register(agent)));

    const worker = async (w: number) => {
      const kinds: Kind[] = w % 2 === 0 ? ['send', 'me', 'live'] : ['me', 'live', 'me', 'send'];
      for (let n = 0; !stop; n++) {
        const kind = kinds[n % kinds.length];
        const headers = { authorization: users[w].authorization };
        const answer =
          kind === 'send'
            ? await call(agents[w], `${nginxUrl}/v1/phone-verifications`, {
                method: 'POST',
                headers,
                body: { phone: uniquePhone() },
              })
            : await call(
                agents[w],
                `${nginxUrl}${kind === 'me' ? '/v1/users/me' : '/health/live'}`,
                { headers },
              );
        const key = `${kind} ${answer.status ?? answer.error}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (answer.status !== expected[kind])
          failures.push({ kind, answer, at: Math.round(performance.now() - started) });
      }
    };
    const load = Promise.all(users.map((_, w) => worker(w)));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    const steps: string[] = [];
    await pause(1000);
    for (const i of [0, 1]) {
      const old = instances[i];
      const stopAt = performance.now();
      const exit = await old.stop('SIGTERM', (DRAIN_SECONDS + 15) * 1000);
      retired.push(old);
      const stoppedMs = Math.round(performance.now() - stopAt);
      instances[i] = await startAppProcess({ host: INSTANCE_HOST, port: old.port, env });
      steps.push(
        `instance ${i + 1} (${old.url}): SIGTERM → exit ${JSON.stringify(exit)} after ${stoppedMs} ms, ready again after ${Math.round(performance.now() - stopAt)} ms`,
      );
      expect(exit).toEqual({ code: 0, signal: null });
      await pause(1000);
    }
    stop = true;
    await load;
    for (const agent of agents) agent.destroy();

    const served = [...retired, ...instances].map(
      (instance) =>
        logLines(instance.output()).filter((line) => line.msg === 'request completed').length,
    );
    const nginxLog = readFileSync(join(dir, 'error.log'), 'utf8').split('\n');
    const refused = nginxLog.filter((line) => /connect\(\) failed \(111/.test(line));
    const other = nginxLog.filter(
      (line) =>
        /upstream/.test(line) && !/connect\(\) failed \(111|temporarily disabled/.test(line),
    );
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    process.stdout.write(
      `[nginx-deploy] rolling restart under load (${WORKERS} clients through nginx, ${Math.round((performance.now() - started) / 1000)} s):\n` +
        steps.map((step) => `  ${step}\n`).join('') +
        `  ${total} requests: ${[...counts.entries()]
          .sort()
          .map(([key, n]) => `${key}: ${n}`)
          .join(', ')}\n` +
        `  errors during the rolling restart: ${failures.length}\n` +
        `  request lines per process (old 1, old 2, new 1, new 2): ${served.join(', ')}\n` +
        `  nginx: ${refused.length} connections refused by a stopped instance (each request passed on to the other), ${other.length} other upstream errors\n` +
        other
          .slice(0, 5)
          .map((line) => `    ${line.slice(0, 240)}\n`)
          .join('') +
        failures
          .slice(0, 10)
          .map((f) => `  failure at ${f.at} ms: ${f.kind} ${JSON.stringify(f.answer)}\n`)
          .join(''),
    );
    expect(failures).toEqual([]);
    expect(counts.get('send 201')).toBeGreaterThan(20);
    expect(counts.get('me 200')).toBeGreaterThan(20);
    // every process served part of the load: the restarts happened under it
    expect(served.every((n) => n > 0)).toBe(true);
  }, 120_000);
});
