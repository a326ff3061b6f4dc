import { execFileSync } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { benchAppEnv, BenchAppEnv, printableEnv } from './app-env';
import { APP_DIR, AppProcess, assertBuilt, REPO_ROOT } from './app-process';
import { openBenchDatabase, withClient } from './database';
import { cpuBetween, snapshotCpu } from './cpu';
import { PhoneNumbers, UserPool } from './fixtures';
import { gitState, waitForQuiet } from './machine';
import { LoadResult, runLoad, Workload } from './load';
import { formatProfileSummary, summariseProfile } from './cpu-profile';
import {
  AppMetrics,
  checkTargets,
  formatApps,
  formatScenarioTable,
  formatTargets,
  loadAverage,
  machineInfo,
  RunReport,
  ScenarioReport,
  writeReport,
} from './report';
import {
  HealthWorkload,
  MeWorkload,
  RightCheckWorkload,
  SCENARIO_TITLES,
  SendWorkload,
  SentVerification,
  WrongCheckWorkload,
} from './scenarios';
import { BenchSettings, readBenchSettings, runStamp } from './settings';
import { SmsInbox } from './sms-inbox';

/**
 * `npm run bench`: starts the built app against PostgreSQL and the fake Sparrow server, prepares
 * users, and drives the real routes with autocannon (see docs/performance.md for every knob).
 */

// An upper bound for the send rate before it is measured: the no-op ceiling if known, else this.
const FALLBACK_CEILING_RPS = 8000;
const MIN_USERS = 20_000;

class AppGroup {
  readonly apps: AppProcess[];

  constructor(
    readonly label: string,
    settings: BenchSettings,
    appEnv: BenchAppEnv,
    readonly profileDir?: string,
  ) {
    this.apps = Array.from(
      { length: settings.instances },
      (_, i) =>
        new AppProcess({
          name: settings.instances > 1 ? `${label}-app${i + 1}` : label,
          port: settings.basePort + i,
          env: appEnv.env,
          log: settings.appLog,
          workDir: settings.workDir,
          cpuProfileDir: profileDir,
          nodeArgs: settings.appNodeArgs,
          nice: settings.nice,
          node: settings.appNode,
        }),
    );
  }

  get urls(): string[] {
    return this.apps.map((app) => app.url);
  }

  async start(): Promise<void> {
    // One after the other: the first applies the migrations, and start-to-ready is not shared.
    for (const app of this.apps) await app.start();
  }

  async stop(): Promise<AppMetrics[]> {
    const metrics = this.apps.map((app) => {
      const memory = app.memory();
      return {
        name: app.options.name,
        startToReadyMs: app.startToReadyMs,
        peakRssMb: memory.peakRssMb,
        endRssMb: memory.rssMb,
      };
    });
    const codes = await Promise.all(this.apps.map((app) => app.stop()));
    codes.forEach((code, i) => {
      if (code !== 0) log(`warning: ${this.apps[i].options.name} exited with ${code}`);
    });
    return metrics;
  }
}

async function main(): Promise<void> {
  assertBuilt();
  const settings = readBenchSettings();
  if (settings.nice !== undefined) setPriority(settings.nice);
  const stamp = runStamp();
  const startedAt = new Date();
  const loadBefore = loadAverage();
  log(`load average before: ${loadBefore.join(' ')} (${machineInfo().cpus} CPUs)`);
  log(`work directory (app log, profiles): ${settings.workDir}`);

  const inbox = new SmsInbox();
  const sparrowUrl = await inbox.start();
  const database = await openBenchDatabase({ ...settings, stamp });
  log(`database: ${database.name}${database.created ? ' (fresh, dropped at the end)' : ''}`);
  const appEnv = benchAppEnv({
    databaseUrl: database.url,
    sparrowUrl,
    poolSize: settings.poolSize,
    accessTtlSeconds: 4 * 3600,
  });

  const apps: AppMetrics[] = [];
  const scenarios: ScenarioReport[] = [];
  const preparation: Record<string, number> = {};
  let group: AppGroup | undefined;
  try {
    await withClient(database.url, async (client) => {
      const run = new BenchRun(
        settings,
        appEnv,
        inbox,
        database.name,
        client,
        scenarios,
        preparation,
      );
      for (const id of settings.scenarios) {
        if (!group || settings.profile) {
          if (group) apps.push(...(await group.stop()));
          group = new AppGroup(
            settings.profile ? `scenario-${id}` : 'app',
            settings,
            appEnv,
            settings.profile ? join(settings.workDir, 'profiles') : undefined,
          );
          await group.start();
          log(
            `${group.label} ready in ${group.apps.map((a) => a.startToReadyMs.toFixed(0)).join(', ')} ms`,
          );
          await run.afterStart();
        }
        await run.scenario(id, group);
      }
      if (group) apps.push(...(await group.stop()));
      group = undefined;
    });
  } finally {
    if (group) apps.push(...(await group.stop().catch(() => [])));
    await inbox.stop();
    if (database.created && !settings.keepDatabase) await database.drop();
    else log(`database kept: ${database.url}`);
  }

  const report: RunReport = {
    kind: 'bench',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      ...machineInfo(),
      appNode: nodeVersion(settings.appNode),
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAverage(),
    },
    code: { appDir: APP_DIR, git: gitState(REPO_ROOT) },
    settings: { ...settings, databaseUrl: settings.databaseUrl ? '[set]' : undefined },
    appEnv: printableEnv(appEnv.env),
    apps,
    preparation,
    scenarios,
    targets: checkTargets(scenarios, apps),
  };
  writeReport(settings.resultsFile, report);

  const out: string[] = [
    '',
    `${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per scenario, ` +
      `${settings.instances} instance(s), app log: ${settings.appLog}, pool: ${settings.poolSize ?? 'default'}`,
    formatScenarioTable(scenarios),
    '',
    formatApps(apps),
    '',
    formatTargets(report.targets),
    '',
    `load average before ${loadBefore.join(' ')}, after ${report.machine.loadAverageAfter.join(' ')}`,
    `results: ${settings.resultsFile}`,
  ];
  if (settings.profile) {
    for (const app of apps) {
      const file = join(settings.workDir, 'profiles', `${app.name}.cpuprofile`);
      out.push('', formatProfileSummary(summariseProfile(file, app.startToReadyMs), 12));
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The fixtures and scenario runs of one benchmark, across however many app processes. */
class BenchRun {
  private users!: UserPool;
  private phones!: PhoneNumbers;
  private readonly sent: SentVerification[] = [];
  private readonly sendCursor = { next: 0 };
  private noopRps?: number;
  private sendRps?: number;
  private prepared = false;

  constructor(
    private readonly settings: BenchSettings,
    private readonly appEnv: BenchAppEnv,
    private readonly inbox: SmsInbox,
    private readonly databaseName: string,
    private readonly client: Client,
    private readonly scenarios: ScenarioReport[],
    private readonly preparation: Record<string, number>,
  ) {}

  /** Once the first app migrated the database: users and phone numbers can be prepared. */
  async afterStart(): Promise<void> {
    if (this.users) return;
    this.users = new UserPool(this.client, runStamp(), this.appEnv);
    this.phones = await PhoneNumbers.after(this.client);
    await this.timed('users', () => this.users.ensure(MIN_USERS));
  }

  async scenario(id: number, group: AppGroup): Promise<void> {
    const urls = group.urls;
    const workload = await this.workloadFor(id, urls);
    log(`scenario ${id}: ${SCENARIO_TITLES[id]} (load average ${loadAverage().join(' ')})`);
    const pressure = await waitForQuiet(
      this.settings.quietPressure,
      this.settings.quietMaxSeconds,
      log,
    );
    const loadAverageBefore = loadAverage();
    if (this.settings.warmupSeconds > 0) {
      await runLoad(workload, {
        ...this.loadOptions(urls),
        durationSeconds: this.settings.warmupSeconds,
      });
    }
    const pids = group.apps.map((app) => app.pid);
    const cpuBefore = snapshotCpu(pids, this.databaseName);
    const xactsBefore = await this.transactions();
    const result = await runLoad(workload, this.loadOptions(urls));
    const cpu = cpuBetween(cpuBefore, snapshotCpu(pids, this.databaseName));
    const xacts = (await this.transactions()) - xactsBefore;
    const report: ScenarioReport = {
      id,
      title: SCENARIO_TITLES[id],
      expectedStatus: workload.expectedStatus,
      result,
      ratioToNoop: this.noopRps ? result.requestsPerSecond / this.noopRps : null,
      ranOut: workload.ranOut, // warm-up included: a warm-up that ran out spoils the run too
      notes: [
        `before: load average ${loadAverageBefore.join(' ')}, CPU pressure ${pressure ?? '?'} %`,
        ...this.notesFor(id, workload),
      ],
      cpu,
      appCpuMsPerRequest: round2(
        (cpu.appCores * cpu.seconds * 1000) / Math.max(1, result.requests),
      ),
      transactionsPerRequest: round2(xacts / Math.max(1, result.requests)),
    };
    if (id === 0) {
      this.noopRps = result.requestsPerSecond;
      report.ratioToNoop = 1;
    }
    this.scenarios.push(report);
    log(summaryLine(report.result));
    if (id === 1) {
      this.sendRps = result.requestsPerSecond;
      // Prepared now, on the same app process (in profile mode, scenario 1's).
      if (this.settings.scenarios.some((s) => s === 2 || s === 3))
        await this.prepareVerifications(urls);
    }
    if (id === 2 && this.settings.scenarios.includes(3)) {
      await this.topUpForRightChecks(result.requestsPerSecond, urls);
    }
  }

  private async workloadFor(id: number, urls: string[]): Promise<Workload> {
    switch (id) {
      case 0:
        return new HealthWorkload();
      case 1:
        await this.ensureSendUsers(this.settings.warmupSeconds + this.settings.durationSeconds);
        return this.sendWorkload();
      case 2:
        await this.prepareVerifications(urls);
        return new WrongCheckWorkload([...this.sent], this.appEnv.maxAttempts - 1);
      case 3:
        await this.prepareVerifications(urls);
        return new RightCheckWorkload([...this.sent]);
      case 4:
        return new MeWorkload(this.users);
      default:
        throw new Error(`no scenario ${id}`);
    }
  }

  private notesFor(id: number, workload: Workload): string[] {
    if (workload instanceof SendWorkload) {
      return [
        `a new user and a new number per request; ${this.sent.length} verifications sent so far`,
      ];
    }
    if (workload instanceof WrongCheckWorkload) {
      return [
        `round-robin over ${this.sent.length} verifications, at most ${this.appEnv.maxAttempts - 1} wrong codes each`,
      ];
    }
    if (workload instanceof RightCheckWorkload) {
      return [
        `approved ${Math.min(workload.used, this.sent.length)} of ${this.sent.length} prepared verifications`,
      ];
    }
    return id === 4 ? [`round-robin over ${this.users.size} users`] : [];
  }

  private loadOptions(urls: string[]) {
    return {
      urls,
      connections: this.settings.connections,
      durationSeconds: this.settings.durationSeconds,
    };
  }

  private sendWorkload(): SendWorkload {
    return new SendWorkload(this.users, this.phones, this.inbox, this.sent, this.sendCursor);
  }

  /** Enough unused users that a send run of `seconds` cannot run out, even at the no-op rate. */
  private async ensureSendUsers(seconds: number, extra = 0): Promise<void> {
    const ceiling = this.noopRps ?? FALLBACK_CEILING_RPS;
    const needed = this.sendCursor.next + Math.ceil(ceiling * seconds * 1.1) + extra;
    await this.timed('users', () => this.users.ensure(needed));
  }

  /**
   * Verifications for scenarios 2 and 3, sent through the app (so their codes are the ones the
   * fake Sparrow server received): measured send rate × (warm-up + duration) × margin.
   */
  private async prepareVerifications(urls: string[]): Promise<void> {
    if (this.prepared) return;
    this.prepared = true;
    if (this.sendRps === undefined) {
      // Scenario 1 was not run: measure the send rate on the way (unreported).
      await this.ensureSendUsers(this.settings.durationSeconds);
      const result = await this.timed('sends', () =>
        runLoad(this.sendWorkload(), this.loadOptions(urls)),
      );
      this.sendRps = result.requestsPerSecond;
    }
    const target = Math.ceil(this.sendRps * this.runSeconds * this.settings.verificationMargin);
    this.preparation.sendRateForSizing = Math.round(this.sendRps);
    this.preparation.verificationsTarget = target;
    await this.sendUntil(target, urls);
  }

  /**
   * A check with the wrong code costs about what one with the right code does, so once scenario
   * 2 has measured it, scenario 3's verifications are topped up to that rate too (+25 %).
   */
  private async topUpForRightChecks(wrongCheckRps: number, urls: string[]): Promise<void> {
    const target = Math.ceil(wrongCheckRps * this.runSeconds * 1.25);
    this.preparation.wrongCheckRateForSizing = Math.round(wrongCheckRps);
    if (target <= this.sent.length) return;
    this.preparation.verificationsTarget = target;
    await this.sendUntil(target, urls);
  }

  private async sendUntil(target: number, urls: string[]): Promise<void> {
    const missing = target - this.sent.length;
    if (missing > 0) {
      await this.ensureSendUsers(0, missing + 1000);
      log(`preparing ${missing} more verifications (target ${target})`);
      await this.timed('sends', () =>
        runLoad(this.sendWorkload(), { ...this.loadOptions(urls), amount: missing + 200 }),
      );
    }
    this.preparation.verificationsPrepared = this.sent.length;
    this.preparation.usersCreated = this.users.size;
  }

  private get runSeconds(): number {
    return this.settings.warmupSeconds + this.settings.durationSeconds;
  }

  /** Committed and rolled-back transactions on the database so far (statistics lag ≤ 1 s). */
  private async transactions(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [this.databaseName],
    );
    return Number(rows[0]?.n ?? 0);
  }

  private async timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      const key = `${what}Seconds`;
      this.preparation[key] =
        Math.round(((this.preparation[key] ?? 0) + (Date.now() - started) / 1000) * 10) / 10;
    }
  }
}

function nodeVersion(node: string): string {
  return `${execFileSync(node, ['-v']).toString().trim()} (${node})`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function summaryLine(result: LoadResult): string {
  return (
    `  ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
    `${result.errors} errors, ${result.unexpected} unexpected`
  );
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
