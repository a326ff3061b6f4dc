import { setPriority } from 'node:os';
import { join } from 'node:path';
import { benchAppEnv } from './app-env';
import { AppProcess, assertBuilt } from './app-process';
import { appConnections, openBenchDatabase, withClient } from './database';
import { PhoneNumbers, UserPool } from './fixtures';
import { LoadResult, runLoad } from './load';
import { loadAverage, machineInfo, table, writeReport } from './report';
import { HealthWorkload, MeWorkload, SendWorkload, SentVerification } from './scenarios';
import { readBenchSettings, readSoakSettings, runStamp } from './settings';
import { SmsInbox } from './sms-inbox';
import {
  SoakRightCheckWorkload,
  SoakVerifications,
  SoakWrongCheckWorkload,
  Tally,
} from './soak-workloads';

/**
 * `npm run soak`: SOAK_SECONDS (default 300) of a steady mixed workload — sends, wrong and right
 * checks, /users/me and health at fixed rates — against one app process. Every 10 s it samples
 * the app's RSS and its PostgreSQL connections; it passes with no 5xx, an RSS at the end within
 * 20 % of the RSS at minute 1, and never more connections than the pool allows.
 */

interface Sample {
  second: number;
  rssMb: number;
  peakRssMb: number;
  connections: number;
  activeConnections: number;
  stuckInTransaction: number;
  requests: number;
  serverErrors: number;
  unexpected: number;
  loadAverage1m: number;
}

const POOL_SIZE = 10; // the app's default DATABASE_POOL_SIZE, which the soak keeps

async function main(): Promise<void> {
  assertBuilt();
  const bench = readBenchSettings();
  const soak = readSoakSettings();
  if (bench.nice !== undefined) setPriority(bench.nice);
  const stamp = runStamp();
  log(
    `load average before: ${loadAverage().join(' ')}; ${soak.seconds} s at ${JSON.stringify(soak.rates)} req/s`,
  );
  const inbox = new SmsInbox();
  const sparrowUrl = await inbox.start();
  const database = await openBenchDatabase({ ...bench, stamp });
  const appEnv = benchAppEnv({
    databaseUrl: database.url,
    sparrowUrl,
    poolSize: POOL_SIZE,
    accessTtlSeconds: Math.min(86_400, soak.seconds + 3600),
  });
  const app = new AppProcess({
    name: 'soak',
    port: bench.basePort,
    env: appEnv.env,
    log: bench.appLog,
    workDir: bench.workDir,
    nodeArgs: bench.appNodeArgs,
    nice: bench.nice,
    node: bench.appNode,
  });
  const startedAt = new Date();
  try {
    await app.start();
    log(`app ready in ${app.startToReadyMs.toFixed(0)} ms`);
    await withClient(database.url, async (client) => {
      const users = new UserPool(client, stamp, appEnv);
      const sends = Math.ceil(soak.rates.send * soak.seconds * 1.2) + 1000;
      await users.ensure(Math.max(sends, 5000));
      const sent: SentVerification[] = [];
      const send = new SendWorkload(users, await PhoneNumbers.after(client), inbox, sent, {
        next: 0,
      });
      // a head start for the checks: verifications to approve from the first second on
      await runLoad(send, { urls: [app.url], connections: 10, durationSeconds: 60, amount: 200 });
      const verifications = new SoakVerifications(sent);
      const workloads = [
        { workload: new Tally(send), rate: soak.rates.send },
        {
          workload: new Tally(new SoakWrongCheckWorkload(verifications)),
          rate: soak.rates.wrongCheck,
        },
        {
          workload: new Tally(new SoakRightCheckWorkload(verifications)),
          rate: soak.rates.rightCheck,
        },
        { workload: new Tally(new MeWorkload(users)), rate: soak.rates.me },
        { workload: new Tally(new HealthWorkload()), rate: soak.rates.health },
      ];
      const samples: Sample[] = [];
      const sample = async () => {
        const memory = app.memory();
        const connections = await appConnections(client, database.name);
        const sampleRow: Sample = {
          second: Math.round((Date.now() - loadStart) / 1000),
          rssMb: round1(memory.rssMb),
          peakRssMb: round1(memory.peakRssMb),
          connections: connections.total,
          activeConnections: connections.active,
          stuckInTransaction: connections.stuckInTransaction,
          requests: sum(workloads.map((w) => w.workload.answered)),
          serverErrors: sum(workloads.map((w) => w.workload.serverErrors)),
          unexpected: sum(workloads.map((w) => w.workload.unexpected)),
          loadAverage1m: loadAverage()[0],
        };
        samples.push(sampleRow);
        log(
          `${sampleRow.second} s: RSS ${sampleRow.rssMb} MB, ${sampleRow.connections} connections, ` +
            `${sampleRow.requests} requests, ${sampleRow.serverErrors} 5xx`,
        );
      };
      const loadStart = Date.now();
      await sample();
      const timer = setInterval(() => void sample(), soak.sampleSeconds * 1000);
      let results: LoadResult[];
      try {
        results = await Promise.all(
          workloads.map(({ workload, rate }) =>
            runLoad(workload, {
              urls: [app.url],
              // enough connections that a slow answer never holds the rate back
              connections: Math.min(10, rate),
              durationSeconds: soak.seconds,
              overallRate: rate,
            }),
          ),
        );
      } finally {
        clearInterval(timer);
      }
      await sample();
      const report = soakReport(
        samples,
        workloads.map((w) => w.workload),
        results,
        soak.seconds,
      );
      writeReport(join(__dirname, 'results', 'soak-latest.json'), {
        kind: 'soak',
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: { ...machineInfo(), loadAverageAfter: loadAverage() },
        settings: soak,
        appLog: bench.appLog,
        poolSize: POOL_SIZE,
        startToReadyMs: app.startToReadyMs,
        ...report,
      });
      process.stdout.write(`${formatSoak(report, samples)}\n`);
      process.exitCode = report.checks.every((c) => c.pass) ? 0 : 1;
    });
  } finally {
    await app.stop();
    await inbox.stop();
    if (database.created && !bench.keepDatabase) await database.drop();
  }
}

function soakReport(samples: Sample[], workloads: Tally[], results: LoadResult[], seconds: number) {
  const minuteOne = samples.find((s) => s.second >= Math.min(60, seconds / 2)) ?? samples[0];
  const last = samples[samples.length - 1];
  const maxConnections = Math.max(...samples.map((s) => s.connections));
  const kinds = workloads.map((workload, i) => ({
    name: workload.name,
    requestsPerSecond: round1(results[i].requestsPerSecond),
    p50Ms: results[i].latencyMs.p50,
    p99Ms: results[i].latencyMs.p99,
    errors: results[i].errors,
    statusMix: results[i].statusMix,
    ranOut: workload.ranOut,
  }));
  const rssGrowth = last.rssMb / minuteOne.rssMb - 1;
  const checks = [
    {
      check: 'no 5xx',
      measured: `${last.serverErrors}`,
      pass: last.serverErrors === 0,
    },
    {
      check: 'no connection errors, no unexpected status, no workload ran out',
      measured: `${sum(kinds.map((k) => k.errors))} errors, ${last.unexpected} unexpected, ${sum(kinds.map((k) => k.ranOut))} ran out`,
      pass:
        sum(kinds.map((k) => k.errors)) + last.unexpected + sum(kinds.map((k) => k.ranOut)) === 0,
    },
    {
      check: `RSS at the end within 20 % of RSS at ${minuteOne.second} s`,
      measured: `${minuteOne.rssMb} → ${last.rssMb} MB (${(rssGrowth * 100).toFixed(1)} %)`,
      pass: Math.abs(rssGrowth) <= 0.2,
    },
    {
      check: `connections never above the pool size (${POOL_SIZE})`,
      measured: `${Math.min(...samples.map((s) => s.connections))}–${maxConnections}`,
      pass: maxConnections <= POOL_SIZE,
    },
    {
      check: 'no connection idle in a transaction for more than 5 s',
      measured: `${Math.max(...samples.map((s) => s.stuckInTransaction))} at most`,
      pass: samples.every((s) => s.stuckInTransaction === 0),
    },
  ];
  return { kinds, samples, checks };
}

function formatSoak(report: ReturnType<typeof soakReport>, samples: Sample[]): string {
  return [
    table([
      ['second', 'RSS MB', 'peak MB', 'pg conns', 'active', 'requests', '5xx', 'load 1m'],
      ...samples.map((s) => [
        String(s.second),
        s.rssMb.toFixed(1),
        s.peakRssMb.toFixed(1),
        String(s.connections),
        String(s.activeConnections),
        String(s.requests),
        String(s.serverErrors),
        s.loadAverage1m.toFixed(2),
      ]),
    ]),
    '',
    table([
      ['workload', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'statuses'],
      ...report.kinds.map((k) => [
        k.name,
        k.requestsPerSecond.toFixed(1),
        String(k.p50Ms),
        String(k.p99Ms),
        String(k.errors),
        Object.entries(k.statusMix)
          .map(([status, n]) => `${status}: ${n}`)
          .join(', '),
      ]),
    ]),
    '',
    table([
      ['check', 'measured', ''],
      ...report.checks.map((c) => [c.check, c.measured, c.pass ? 'ok' : 'FAILED']),
    ]),
  ].join('\n');
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function log(message: string): void {
  process.stderr.write(`[soak] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[soak] failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
