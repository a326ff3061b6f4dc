import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { FakeSparrowServer } from '../../test/fakes/fake-sparrow-server';
import { benchAppEnv } from '../app-env';
import { AppProcess, assertBuilt } from '../app-process';
import { cpuBetween, snapshotCpu } from '../cpu';
import { openBenchDatabase } from '../database';
import { runLoad, Workload } from '../load';
import { loadAverage, machineInfo, percent, table, writeReport } from '../report';
import { readBenchSettings, runStamp } from '../settings';
import { HealthWorkload } from '../scenarios';
import { SPARROW_TOKEN } from '../sms-inbox';

/**
 * `npm run bench:floor`: what the cheapest possible implementation of each route reaches on this
 * machine. A server with no framework at all (floor/floor-server.cjs: node:http and pg)
 * does only the round trips each route needs — one read; a read and a write; a read and a
 * two-write transaction; a write, an SMS over HTTP to the fake Sparrow server and a write — and
 * is driven exactly like `npm run bench`. Each is compared with the real app's no-op route of
 * the same run, the denominator of the benchmark's "vs 0" targets.
 */

const FLOOR_ROUTES: ReadonlyArray<{ path: string; like: string }> = [
  { path: '/noop', like: 'no-op, no framework' },
  { path: '/read', like: 'GET /v1/users/me (1 read)' },
  { path: '/read-write', like: 'check, wrong code (read + write)' },
  { path: '/read-transaction', like: 'check, right code (read + 2-write transaction)' },
  { path: '/write-sms-write', like: 'send (write + SMS over HTTP + write)' },
];

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
  const sparrow = new FakeSparrowServer({ token: SPARROW_TOKEN, credits: 1e9, record: false });
  const { url: sparrowUrl } = await sparrow.start();
  const database = await openBenchDatabase({ ...settings, stamp });
  const load = { connections: settings.connections, durationSeconds: settings.durationSeconds };
  const measure = async (
    route: { name: string; like: string },
    url: string,
    pid: number,
    workload: Workload,
  ): Promise<FloorRow> => {
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
  let floorServer: ChildProcess | undefined;
  try {
    const app = new AppProcess({
      name: 'app',
      port: settings.basePort,
      env: benchAppEnv({ databaseUrl: database.url, sparrowUrl, accessTtlSeconds: 3600 }).env,
      log: settings.appLog,
      workDir: settings.workDir,
      nodeArgs: settings.appNodeArgs,
      node: settings.appNode,
    });
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
    for (const { path, like } of FLOOR_ROUTES) {
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
    rows,
  });
  process.stdout.write(
    `\n${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per route\n` +
      `${table([header, ...lines])}\nresults: ${file}\n`,
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
