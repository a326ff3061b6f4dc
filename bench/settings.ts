import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every knob of `npm run bench` / `npm run soak`, read once from BENCH_* / SOAK_* variables.
 * Defaults are the reference run described in docs/performance.md.
 */

/** Where the app's stdout (one JSON line per request at LOG_LEVEL=info) goes. */
export const APP_LOG_MODES = ['file', 'devnull', 'silent'] as const;
export type AppLogMode = (typeof APP_LOG_MODES)[number];

export interface BenchSettings {
  /** postgres:// URL of an existing database to use as is; unset: a fresh pv_bench_<timestamp>. */
  readonly databaseUrl?: string;
  /** Server on which the fresh database is created (and dropped at the end). */
  readonly serverUrl: string;
  readonly keepDatabase: boolean;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Scenario numbers to run (0–4); 2 and 3 prepare their verifications themselves if 1 is skipped. */
  readonly scenarios: readonly number[];
  /**
   * Prepared right-code verifications = measured send rate × (warm-up + duration) × this margin:
   * a check is fewer round trips than a send, so it may run faster.
   */
  readonly verificationMargin: number;
  /** `file`: LOG_LEVEL=info to a file (the realistic case); `devnull`: info to /dev/null; `silent`. */
  readonly appLog: AppLogMode;
  /** `node --cpu-prof` on the app; one app process per scenario so each profile is one workload. */
  readonly profile: boolean;
  /** App processes on one database, each on its own port; the connections are split between them. */
  readonly instances: number;
  /** DATABASE_POOL_SIZE for the app; unset: the app's default. */
  readonly poolSize?: number;
  /** Directory for the app log, profiles and stderr of this run. */
  readonly workDir: string;
  readonly resultsFile: string;
  readonly basePort: number;
  /** Before each scenario, wait until CPU pressure (PSI avg10) is at most this % (100: never wait). */
  readonly quietPressure: number;
  readonly quietMaxSeconds: number;
  /** Node options for the app (space-separated); default: those of `npm run start:prod`. */
  readonly appNodeArgs: readonly string[];
  /** The node binary that runs the app (another Node version); default: the harness's own. */
  readonly appNode: string;
  /**
   * Scheduling priority for the harness and the app processes (e.g. -10, needs root), so that
   * other work on a shared machine disturbs the figures less. Unset: left as started.
   */
  readonly nice?: number;
}

export function readBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const stamp = runStamp();
  const appLog = (env.BENCH_APP_LOG ?? 'file') as AppLogMode;
  if (!APP_LOG_MODES.includes(appLog)) {
    throw new Error(`BENCH_APP_LOG must be one of ${APP_LOG_MODES.join(', ')}`);
  }
  return {
    databaseUrl: nonEmpty(env.BENCH_DATABASE_URL),
    serverUrl: nonEmpty(env.BENCH_SERVER_URL) ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    keepDatabase: flag(env.BENCH_KEEP_DATABASE),
    connections: int(env, 'BENCH_CONNECTIONS', 50, 1, 1000),
    durationSeconds: int(env, 'BENCH_DURATION', 15, 1, 3600),
    warmupSeconds: int(env, 'BENCH_WARMUP', 3, 0, 600),
    scenarios: scenarioList(env.BENCH_SCENARIOS),
    verificationMargin: number(env, 'BENCH_VERIFICATION_MARGIN', 3, 1, 100),
    appLog,
    profile: flag(env.BENCH_PROFILE),
    instances: int(env, 'BENCH_INSTANCES', 1, 1, 8),
    poolSize: env.BENCH_POOL_SIZE ? int(env, 'BENCH_POOL_SIZE', 10, 1, 200) : undefined,
    workDir: nonEmpty(env.BENCH_WORK_DIR) ?? join(tmpdir(), `pv-bench-${stamp}`),
    resultsFile: nonEmpty(env.BENCH_RESULTS) ?? join(__dirname, 'results', 'latest.json'),
    basePort: int(env, 'BENCH_PORT', 3700, 1024, 65000),
    quietPressure: number(env, 'BENCH_QUIET_PRESSURE', 50, 0, 100),
    quietMaxSeconds: int(env, 'BENCH_QUIET_MAX_SECONDS', 120, 0, 3600),
    appNodeArgs: (nonEmpty(env.BENCH_APP_NODE_ARGS) ?? productionNodeArgs().join(' '))
      .split(/\s+/)
      .filter(Boolean),
    appNode: nonEmpty(env.BENCH_APP_NODE) ?? process.execPath,
    nice: env.BENCH_NICE ? int(env, 'BENCH_NICE', 0, -20, 19) : undefined,
  };
}

export interface SoakSettings {
  readonly seconds: number;
  readonly sampleSeconds: number;
  /** Requests per second of each kind; the mix is steady for the whole run. */
  readonly rates: {
    readonly send: number;
    readonly wrongCheck: number;
    readonly rightCheck: number;
    readonly me: number;
    readonly health: number;
  };
}

export function readSoakSettings(env: NodeJS.ProcessEnv = process.env): SoakSettings {
  return {
    seconds: int(env, 'SOAK_SECONDS', 300, 10, 86_400),
    sampleSeconds: int(env, 'SOAK_SAMPLE_SECONDS', 10, 1, 600),
    rates: {
      send: int(env, 'SOAK_SEND_RATE', 20, 1, 10_000),
      wrongCheck: int(env, 'SOAK_WRONG_CHECK_RATE', 20, 1, 10_000),
      rightCheck: int(env, 'SOAK_RIGHT_CHECK_RATE', 10, 1, 10_000),
      me: int(env, 'SOAK_ME_RATE', 100, 1, 10_000),
      health: int(env, 'SOAK_HEALTH_RATE', 10, 1, 10_000),
    },
  };
}

/**
 * The node flags `npm run start:prod` runs the app with (e.g. the V8 heap sizing), so the
 * benchmark measures the app as it is deployed.
 */
export function productionNodeArgs(): string[] {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return manifest.scripts['start:prod'].split(/\s+/).filter((word) => word.startsWith('--'));
}

/** `20261105T043110` — sortable, and safe in a database name. */
export function runStamp(at = new Date()): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .toLowerCase();
}

function scenarioList(value: string | undefined): number[] {
  if (!nonEmpty(value)) return [0, 1, 2, 3, 4];
  const list = value!.split(',').map((item) => Number(item.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0 || n > 4)) {
    throw new Error('BENCH_SCENARIOS must be a comma-separated list of 0–4');
  }
  return [...new Set(list)].sort((a, b) => a - b);
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

export function flag(value: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}

export function number(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

export function int(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = number(env, name, fallback, min, max);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number`);
  return value;
}
