import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { clientNetwork, ipLimitSubject } from '../../src/common/http/ip-keys';
import { benchAppEnv } from '../app-env';
import { AppProcess, assertBuilt } from '../app-process';
import { cpuBetween, snapshotCpu } from '../cpu';
import { openBenchDatabase, withClient } from '../database';
import { BenchUser, PhoneNumbers, UserPool } from '../fixtures';
import { BenchRequest, runLoad, sendOne, Workload } from '../load';
import { loadAverage, machineInfo, percent, table, writeReport } from '../report';
import { BenchSettings, readBenchSettings, runStamp } from '../settings';
import { HealthWorkload, MeWorkload, wrongCodeFor } from '../scenarios';
import { SmsInbox, SPARROW_TOKEN } from '../sms-inbox';
import { QueryRecorder, RecordedStep } from './query-recorder';

/**
 * `npm run bench:floor`: what the cheapest possible implementation of each route reaches on this
 * machine. A server with no framework at all (floor/floor-server.cjs: node:http and pg) is
 * driven exactly like `npm run bench`, over the app's pool size, in two ways:
 *
 * - minimal floors: only the round trips a route of its kind needs — one read; a read and a
 *   write; a read and a two-write transaction; a write, an SMS over HTTP to the fake Sparrow
 *   server and a write — compared with the real app's no-op route of the same run;
 * - same-SQL floors (floor/same-sql.cjs): first the built app runs with the query recorder and
 *   serves a few requests of each benchmarked route one at a time; the server then replays, for
 *   each request, exactly the statements the app sent for one of them (values new per request,
 *   as the app's would be), and the SMS over HTTP where the app called its gateway. The app's
 *   req/s on a route divided by this is its share of its own floor.
 */

const FLOOR_ROUTES: ReadonlyArray<{ path: string; like: string }> = [
  { path: '/noop', like: 'no-op, no framework' },
  { path: '/read', like: 'GET /v1/users/me (1 read)' },
  { path: '/read-write', like: 'check, wrong code (read + write)' },
  { path: '/read-transaction', like: 'check, right code (read + 2-write transaction)' },
  { path: '/write-sms-write', like: 'send (write + SMS over HTTP + write)' },
];

/** The same-SQL floors, in the benchmark's order (the checks use the floor's own sends). */
const SAME_SQL_ROUTES: ReadonlyArray<{ path: string; script: string; like: string }> = [
  { path: '/same/send', script: 'send', like: 'send, same SQL (scenario 1)' },
  { path: '/same/check-wrong', script: 'check-wrong', like: 'wrong code, same SQL (scenario 2)' },
  { path: '/same/check-right', script: 'check-right', like: 'right code, same SQL (scenario 3)' },
  { path: '/same/me', script: 'me', like: 'GET /v1/users/me, same SQL (scenario 4)' },
];

/**
 * Rounds of the paired measure: the app's `/v1/users/me` and its same-SQL floor back to back,
 * `FLOOR_PAIRED_ROUNDS` times (0: none). On a machine whose speed drifts by half within minutes
 * (other tenants' steal), a share from one app run and one floor run minutes apart says little;
 * the median of adjacent pairs says what the route costs against its SQL.
 */
const PAIRED_ROUNDS = Number(process.env.FLOOR_PAIRED_ROUNDS ?? 3);
/** `FLOOR_PAIRED_ONLY=1`: the paired measure alone (minutes instead of twenty). */
const PAIRED_ONLY = process.env.FLOOR_PAIRED_ONLY === '1';
/**
 * Users for the app's side of the paired measure, a token each: more than the guard keeps
 * verified, so every request checks a signature, as in `npm run bench`.
 */
const PAIRED_USERS = 50_000;

/** Requests of each kind recorded from the app; the floor cycles through their scripts. */
const RECORDED_PER_ROUTE = 20;
/** Verifications the floor's server prepares at most per request (sends of the floor's own). */
const PREPARE_PER_REQUEST = 5_000;
/** Users for the floor's sends: one each, as the benchmark's (beyond that they are reused). */
const FLOOR_USERS = 120_000;
/** The floor's numbers (+977 986xxxxxxx), apart from the app's (984…). */
const FLOOR_PHONE_BASE = 9_860_000_000;

interface Subject {
  user: { id: string; ip: string; ipSubject: string; network: string };
  phone?: string;
  prefix?: string;
  verificationId?: string;
  codeHash?: string;
}

function subjectUser(user: BenchUser): Subject['user'] {
  return {
    id: user.id,
    ip: user.ip,
    ipSubject: ipLimitSubject(user.ip),
    network: clientNetwork(user.ip),
  };
}

function once1(request: BenchRequest, expectedStatus: number): Workload {
  return { name: 'recorded', expectedStatus, ranOut: 0, next: () => request };
}

function authHeaders(user: BenchUser): Record<string, string> {
  return {
    authorization: `Bearer ${user.token}`,
    'x-forwarded-for': user.ip,
    'content-type': 'application/json',
  };
}

/**
 * Records, from the built app on `databaseUrl`, the statements of RECORDED_PER_ROUTE requests of
 * each benchmarked route, with what each request was about (its subject), and writes the floor's
 * plan (those scripts and the users its sends may use) to a file.
 */
async function recordScripts(options: {
  databaseUrl: string;
  client: Client;
  stamp: string;
  workDir: string;
  poolSize?: number;
  basePort: number;
}): Promise<{ file: string; statementsPerRequest: Record<string, number> }> {
  const inbox = new SmsInbox();
  const sparrowUrl = await inbox.start();
  const appEnv = benchAppEnv({
    databaseUrl: options.databaseUrl,
    sparrowUrl,
    poolSize: options.poolSize,
    accessTtlSeconds: 3600,
  });
  const recorder = new QueryRecorder(options.workDir);
  const app = new AppProcess({
    name: 'recording',
    port: options.basePort,
    env: { ...appEnv.env, ...recorder.env },
    log: 'devnull',
    workDir: options.workDir,
    nodeArgs: recorder.nodeArgs,
  });
  const scripts: Record<string, Array<{ subject: Subject; steps: RecordedStep[] }>> = {};
  try {
    await app.start();
    const users = new UserPool(options.client, `${options.stamp}r`, appEnv);
    await users.ensure(RECORDED_PER_ROUTE);
    const phones = await PhoneNumbers.after(options.client);
    await recorder.takeSteps(app); // start-up statements
    const record = async (
      route: string,
      subject: Subject,
      request: BenchRequest,
      status: number,
    ): Promise<void> => {
      await sendOne(app.url, once1(request, status));
      (scripts[route] ??= []).push({ subject, steps: await recorder.takeSteps(app) });
    };
    const sent: Array<{ user: BenchUser; national: string; code: string; subject: Subject }> = [];
    for (const user of users.users.slice(0, RECORDED_PER_ROUTE)) {
      const national = phones.take();
      const subject: Subject = {
        user: subjectUser(user),
        phone: `+977${national}`,
        prefix: national.slice(0, 6),
      };
      await record(
        'send',
        subject,
        {
          method: 'POST',
          path: '/v1/phone-verifications',
          headers: authHeaders(user),
          body: JSON.stringify({ phone: national }),
        },
        201,
      );
      const { rows } = await options.client.query<{ id: string; hash: string }>(
        `SELECT id, '\\x' || encode(code_hash, 'hex') AS hash FROM phone_verifications
          WHERE user_id = $1 AND phone = $2`,
        [user.id, subject.phone],
      );
      subject.verificationId = rows[0].id;
      subject.codeHash = rows[0].hash;
      const code = inbox.codeFor(national);
      if (!code) throw new Error(`no SMS reached ${national}`);
      sent.push({ user, national, code, subject });
    }
    const check = (item: (typeof sent)[number], code: string): BenchRequest => ({
      method: 'POST',
      path: '/v1/phone-verifications/check',
      headers: authHeaders(item.user),
      body: JSON.stringify({ phone: item.national, code }),
    });
    for (const item of sent) {
      await record('check-wrong', item.subject, check(item, wrongCodeFor(item.code)), 400);
    }
    for (const item of sent) await record('check-right', item.subject, check(item, item.code), 200);
    for (const user of users.users.slice(0, RECORDED_PER_ROUTE)) {
      const { authorization } = authHeaders(user);
      await record(
        'me',
        { user: subjectUser(user) },
        { method: 'GET', path: '/v1/users/me', headers: { authorization } },
        200,
      );
    }
  } finally {
    await app.stop();
    await inbox.stop();
  }
  const floorUsers = new UserPool(options.client, `${options.stamp}f`, {
    jwtSecret: 'floor-users-need-no-token',
    accessTtlSeconds: 60,
  });
  await floorUsers.ensure(FLOOR_USERS);
  const file = join(options.workDir, `floor-scripts-${process.pid}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      users: floorUsers.users.map(subjectUser),
      phoneBase: FLOOR_PHONE_BASE,
      maxWrongPerVerification: appEnv.maxAttempts - 1,
      scripts,
    }),
  );
  const statementsPerRequest = Object.fromEntries(
    Object.entries(scripts).map(([route, list]) => [
      route,
      list.reduce(
        (sum, script) => sum + script.steps.filter((step) => !('http' in step)).length,
        0,
      ) / list.length,
    ]),
  );
  return { file, statementsPerRequest };
}

/** `GET <path>` on every request; the path is also the workload's name. */
class GetWorkload implements Workload {
  readonly expectedStatus = 200;
  readonly ranOut = 0;
  constructor(readonly name: string) {}
  next() {
    return { method: 'GET' as const, path: this.name, headers: {} };
  }
}

interface FloorRow {
  route: string;
  like: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  unexpected: number;
  serverCores: number;
  pgCores: number;
}

async function main(): Promise<void> {
  assertBuilt();
  const settings = readBenchSettings();
  const stamp = runStamp();
  const sparrow = new SmsInbox();
  const sparrowUrl = await sparrow.start();
  const database = await openBenchDatabase({ ...settings, stamp });
  const load = { connections: settings.connections, durationSeconds: settings.durationSeconds };
  const measure: Measure = async (route, url, pid, workload) => {
    if (settings.warmupSeconds > 0) {
      await runLoad(workload, { urls: [url], ...load, durationSeconds: settings.warmupSeconds });
    }
    const before = snapshotCpu([pid], database.name);
    const result = await runLoad(workload, { urls: [url], ...load });
    const cpu = cpuBetween(before, snapshotCpu([pid], database.name));
    return {
      route: route.name,
      like: route.like,
      requestsPerSecond: result.requestsPerSecond,
      p50: result.latencyMs.p50,
      p99: result.latencyMs.p99,
      errors: result.errors,
      unexpected: result.unexpected,
      serverCores: cpu.appCores,
      pgCores: cpu.pgCores,
    };
  };

  const rows: FloorRow[] = [];
  const paired: PairedRound[] = [];
  let floorServer: ChildProcess | undefined;
  let recorded: Awaited<ReturnType<typeof recordScripts>> | undefined;
  try {
    log('recording the statements of each route from the built app');
    recorded = await withClient(database.url, (client) =>
      recordScripts({
        databaseUrl: database.url,
        client,
        stamp,
        workDir: settings.workDir,
        poolSize: settings.poolSize,
        basePort: settings.basePort,
      }),
    );
    log(`statements per request: ${JSON.stringify(recorded.statementsPerRequest)}`);
    const { app } = benchApp(settings, { database: database.url, sparrow: sparrowUrl }, 'app', 0);
    await app.start();
    log("app no-op (the benchmark's scenario 0)");
    rows.push(
      await measure(
        { name: 'app GET /health/live', like: "the benchmark's scenario 0" },
        app.url,
        app.pid,
        new HealthWorkload(),
      ),
    );
    await app.stop();

    const port = settings.basePort + 1;
    floorServer = spawn(process.execPath, [join(__dirname, 'floor', 'floor-server.cjs')], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        FLOOR_DATABASE_URL: database.url,
        FLOOR_SINK_URL: sparrowUrl,
        FLOOR_SPARROW_TOKEN: SPARROW_TOKEN,
        FLOOR_POOL_SIZE: String(settings.poolSize ?? 10),
        FLOOR_SCRIPTS: recorded.file,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // "ready" on stdout; a server that dies first (no database, port taken) ends the run.
    await Promise.race([
      once(floorServer.stdout!, 'data'),
      once(floorServer, 'exit').then(([code]) => {
        throw new Error(`the floor server exited with ${String(code)} before it was ready`);
      }),
    ]);
    for (const { path, like } of PAIRED_ONLY ? [] : FLOOR_ROUTES) {
      log(`floor ${path}: ${like}`);
      rows.push(
        await measure(
          { name: path, like },
          `http://127.0.0.1:${port}`,
          floorServer.pid!,
          new GetWorkload(path),
        ),
      );
    }
    const floorUrl = `http://127.0.0.1:${port}`;
    const runSeconds = settings.warmupSeconds + settings.durationSeconds;
    for (const { path, like } of PAIRED_ONLY ? [] : SAME_SQL_ROUTES) {
      if (path === '/same/check-wrong' || path === '/same/check-right') {
        // verifications for the checks, sent by the floor itself, as the benchmark prepares them:
        // for the wrong code at most 19 checks each (sized on the minimal read-write floor), for
        // the right code one each (sized on the wrong code's rate, +25 %)
        const like = path === '/same/check-wrong' ? '/read-write' : '/same/check-wrong';
        const rate = rows.find((row) => row.route === like)?.requestsPerSecond ?? 1000;
        const wanted =
          path === '/same/check-wrong'
            ? Math.ceil((rate * runSeconds * 1.1) / 19)
            : Math.ceil(rate * runSeconds * 1.25);
        log(`preparing ${wanted} verifications through the floor's send`);
        // topped up in steps: one request for all of them can outlast fetch's 300 s wait
        for (let sent = 0; sent < wanted;) {
          const count = Math.min(wanted, sent + PREPARE_PER_REQUEST);
          const answer = await fetch(`${floorUrl}/same/prepare?count=${count}`);
          if (!answer.ok) throw new Error(`preparing verifications: HTTP ${answer.status}`);
          sent = ((await answer.json()) as { sent: number }).sent;
        }
      }
      log(`floor ${path}: ${like}`);
      rows.push(
        await measure({ name: path, like }, floorUrl, floorServer.pid!, new GetWorkload(path)),
      );
    }
    const stats = (await (await fetch(`${floorUrl}/same/stats`)).json()) as Record<string, number>;
    log(`same-SQL floor: ${JSON.stringify(stats)}`);
    if (PAIRED_ROUNDS > 0) {
      paired.push(
        ...(await measurePaired({
          database,
          sparrowUrl,
          settings,
          floorUrl,
          floorPid: floorServer.pid!,
          measure,
        })),
      );
    }
  } finally {
    if (floorServer && floorServer.exitCode === null) {
      floorServer.kill('SIGTERM');
      await once(floorServer, 'exit');
    }
    await sparrow.stop();
    if (database.created && !settings.keepDatabase) await database.drop();
  }

  const appNoop = rows[0].requestsPerSecond;
  const header = [
    'route',
    'like',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-200',
    'vs app no-op',
    'cores server/pg',
  ];
  const lines = rows.map((r) => [
    r.route,
    r.like,
    r.requestsPerSecond.toFixed(0),
    String(r.p50),
    String(r.p99),
    String(r.errors),
    String(r.unexpected),
    percent(r.requestsPerSecond / appNoop),
    `${r.serverCores.toFixed(2)}/${r.pgCores.toFixed(2)}`,
  ]);
  const file = join(__dirname, '..', 'results', 'floor-latest.json');
  writeReport(file, {
    kind: 'floor',
    at: new Date().toISOString(),
    machine: { ...machineInfo(), loadAverageAfter: loadAverage() },
    settings: { connections: settings.connections, durationSeconds: settings.durationSeconds },
    statementsPerRequest: recorded?.statementsPerRequest,
    rows,
    paired,
  });
  process.stdout.write(
    `\n${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per route\n` +
      `${table([header, ...lines])}\n${formatPaired(paired)}results: ${file}\n`,
  );
}

/** Drives `workload` at `url` as the benchmark does, with the CPU of `pid` and PostgreSQL. */
type Measure = (
  route: { name: string; like: string },
  url: string,
  pid: number,
  workload: Workload,
) => Promise<FloorRow>;

/** The built app as the benchmark runs it, on the run's database and fake Sparrow. */
function benchApp(
  settings: BenchSettings,
  urls: { database: string; sparrow: string },
  name: string,
  portOffset: number,
): { app: AppProcess; appEnv: ReturnType<typeof benchAppEnv> } {
  const appEnv = benchAppEnv({
    databaseUrl: urls.database,
    sparrowUrl: urls.sparrow,
    poolSize: settings.poolSize,
    accessTtlSeconds: 3600,
  });
  const app = new AppProcess({
    name,
    port: settings.basePort + portOffset,
    env: appEnv.env,
    log: settings.appLog,
    workDir: settings.workDir,
    nodeArgs: settings.appNodeArgs,
    node: settings.appNode,
  });
  return { app, appEnv };
}

interface PairedRound {
  round: number;
  app: FloorRow;
  floor: FloorRow;
  share: number;
}

/**
 * The app's `/v1/users/me` and the floor's `/same/me`, one after the other, PAIRED_ROUNDS times:
 * both servers up, each idle while the other is driven.
 */
async function measurePaired(options: {
  database: { url: string };
  sparrowUrl: string;
  settings: BenchSettings;
  floorUrl: string;
  floorPid: number;
  measure: Measure;
}): Promise<PairedRound[]> {
  const { app, appEnv } = benchApp(
    options.settings,
    { database: options.database.url, sparrow: options.sparrowUrl },
    'paired',
    2,
  );
  const rounds: PairedRound[] = [];
  await app.start();
  try {
    const users = await withClient(options.database.url, async (client) => {
      const pool = new UserPool(client, `${runStamp()}p`, appEnv);
      await pool.ensure(PAIRED_USERS);
      return pool;
    });
    for (let round = 1; round <= PAIRED_ROUNDS; round++) {
      log(`paired round ${round}/${PAIRED_ROUNDS}: app GET /v1/users/me, then floor /same/me`);
      const appRow = await options.measure(
        { name: 'app GET /v1/users/me', like: 'scenario 4' },
        app.url,
        app.pid,
        new MeWorkload(users),
      );
      const floorRow = await options.measure(
        { name: '/same/me', like: 'its same-SQL floor' },
        options.floorUrl,
        options.floorPid,
        new GetWorkload('/same/me'),
      );
      const share = appRow.requestsPerSecond / floorRow.requestsPerSecond;
      rounds.push({ round, app: appRow, floor: floorRow, share });
    }
  } finally {
    await app.stop();
  }
  return rounds;
}

function formatPaired(rounds: PairedRound[]): string {
  if (rounds.length === 0) return '';
  const shares = rounds.map((r) => r.share).sort((a, b) => a - b);
  const median = shares[Math.floor(shares.length / 2)];
  const lines = rounds.map((r) => [
    String(r.round),
    r.app.requestsPerSecond.toFixed(0),
    `${r.app.serverCores.toFixed(2)}/${r.app.pgCores.toFixed(2)}`,
    r.floor.requestsPerSecond.toFixed(0),
    `${r.floor.serverCores.toFixed(2)}/${r.floor.pgCores.toFixed(2)}`,
    percent(r.share),
  ]);
  return (
    `\nGET /v1/users/me against its same-SQL floor, back to back\n` +
    `${table([['round', 'app req/s', 'cores app/pg', 'floor req/s', 'cores floor/pg', 'share'], ...lines])}\n` +
    `median share ${percent(median)}\n`
  );
}

function log(message: string): void {
  process.stdout.write(`[floor] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
