// `npm run simulate:pumping` (issue 17): an SMS-pumping attack mixed with legitimate sign-ups,
// played against the built app with the fraud guard at its defaults and again with it off, on
// fresh databases and the fake Sparrow gateway. Prints what the attacker got, how the legitimate
// users fared and when the guard bit; exits 1 when a target is missed. docs/fraud-simulation.md
// describes the model, the knobs (PUMPING_*) and a run.
import { randomBytes } from 'node:crypto';
import { AppProcess, assertBuilt } from './app-process';
import { Pool } from 'pg';
import { openBenchDatabase } from './database';
import { loadAverage, machineInfo } from './report';
import { SmsInbox } from './sms-inbox';
import { pumpingAppEnv } from './pumping/app-env';
import { buildPlan, type PumpingPlan } from './pumping/plan';
import { describeRun, formatRuns, verdict } from './pumping/report';
import { GuardMode, PumpingSettings, readPumpingSettings } from './pumping/settings';
import { simulate } from './pumping/simulation';
import type { RunTally } from './pumping/tally';

const ACCESS_TTL_SECONDS = 4 * 3600;
/** The app's start on a loaded 2-core machine has been seen to take over 20 s. */
const READY_TIMEOUT_MS = 180_000;

/** Stops the running app and drops its database: on the way out, and on Ctrl-C. */
let cleanUp: (() => Promise<void>) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the app and dropping its database`);
    void (cleanUp?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

function log(message: string): void {
  process.stderr.write(`[pumping] ${message}\n`);
}

async function runOnce(
  settings: PumpingSettings,
  plan: PumpingPlan,
  mode: GuardMode,
): Promise<RunTally> {
  const inbox = new SmsInbox();
  const sparrowUrl = await inbox.start();
  const database = await openBenchDatabase({
    serverUrl: settings.serverUrl,
    stamp: `${settings.stamp}_pumping_${mode}`,
  });
  const jwtSecret = randomBytes(32).toString('base64url');
  const app = new AppProcess({
    name: `app-guard-${mode}`,
    port: settings.port,
    env: pumpingAppEnv({
      mode,
      databaseUrl: database.url,
      sparrowUrl,
      smsDailyBudget: settings.smsDailyBudget,
      jwtSecret,
      accessTtlSeconds: ACCESS_TTL_SECONDS,
    }),
    log: 'file',
    workDir: settings.workDir,
  });
  let cleaned: Promise<void> | undefined;
  cleanUp = () =>
    (cleaned ??= (async () => {
      await app.stop();
      await inbox.stop();
      if (settings.keepDatabase) log(`database kept: ${database.url}`);
      else await database.drop();
    })());
  try {
    await app.start(READY_TIMEOUT_MS);
    log(`guard ${mode}: app ready in ${(app.startToReadyMs / 1000).toFixed(1)} s; traffic starts`);
    const pool = new Pool({ connectionString: database.url, max: 4 });
    // an idle connection is ended by the database's drop when the run is interrupted
    pool.on('error', () => undefined);
    const tally = await simulate(
      { url: app.url, inbox, database: pool, jwtSecret, accessTtlSeconds: ACCESS_TTL_SECONDS },
      plan,
      settings,
      mode,
    ).finally(() => pool.end());
    log(`guard ${mode}: traffic done in ${tally.trafficSeconds.toFixed(1)} s`);
    return tally;
  } finally {
    await cleanUp();
    cleanUp = undefined;
  }
}

async function main(): Promise<void> {
  assertBuilt();
  const settings = readPumpingSettings();
  const plan = buildPlan(settings);
  const loadBefore = loadAverage();
  log(`load average before: ${loadBefore.join(' ')} (${machineInfo().cpus} CPUs)`);
  log(`work directory (app logs): ${settings.workDir}`);
  const tallies: RunTally[] = [];
  for (const mode of settings.modes) tallies.push(await runOnce(settings, plan, mode));
  const result = verdict(tallies);
  process.stdout.write(
    [
      '',
      describeRun(settings, plan),
      '',
      formatRuns(tallies, plan),
      '',
      ...result.lines,
      '',
      `load average before ${loadBefore.join(' ')}, after ${loadAverage().join(' ')}`,
      '',
    ].join('\n'),
  );
  if (!result.passed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 2;
});
