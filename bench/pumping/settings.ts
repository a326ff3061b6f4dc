import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, int, nonEmpty, number, runStamp } from '../settings';

/** Which runs `npm run simulate:pumping` makes: the guard at its defaults, off, or both. */
export const GUARD_MODES = ['on', 'off'] as const;
export type GuardMode = (typeof GUARD_MODES)[number];

/**
 * Every knob of `npm run simulate:pumping`, read once from PUMPING_* variables. The defaults are
 * the run docs/fraud-simulation.md reports; the same seed gives the same users, numbers,
 * addresses and schedule in both runs and on every machine.
 */
export interface PumpingSettings {
  readonly seed: number;
  /** Wall-clock length of the traffic of one run (the app's start-up comes on top). */
  readonly seconds: number;
  readonly legit: {
    readonly users: number;
    /** Share of them who ask a second time (after the resend cooldown) before typing a code. */
    readonly twiceShare: number;
    /** Share of them who type the code back. */
    readonly conversion: number;
    /** Challenges the harness solves for them at once (their phones' CPUs, on this machine's). */
    readonly solvers: number;
  };
  readonly attack: {
    /** Sends the attacker makes over the run (each to a new number of its ranges). */
    readonly requests: number;
    /** Six-digit prefixes whose numbers it walks in order. */
    readonly prefixes: number;
    /** Client networks it spreads over, half IPv4 /24s and half IPv6 /48s. */
    readonly networks: number;
    /** Sends per account before it moves on to a fresh one (OTP_MAX_SENDS_PER_USER_PER_DAY is 10). */
    readonly sendsPerAccount: number;
    /** Whether it solves proof-of-work challenges (the worst case: yes). */
    readonly solvesChallenges: boolean;
    /** Challenges the harness solves for it at once (its CPUs). */
    readonly solvers: number;
    /** When the attack starts, as a share of the run. */
    readonly startsAt: number;
  };
  /** SMS_DAILY_BUDGET of both runs (the network share is a part of it). */
  readonly smsDailyBudget: number;
  /** Requests in flight at most (the simulated clients' HTTP connections). */
  readonly concurrency: number;
  readonly modes: readonly GuardMode[];
  readonly serverUrl: string;
  readonly keepDatabase: boolean;
  readonly port: number;
  readonly workDir: string;
  readonly stamp: string;
}

export function readPumpingSettings(env: NodeJS.ProcessEnv = process.env): PumpingSettings {
  const stamp = runStamp();
  return {
    seed: int(env, 'PUMPING_SEED', 17, 0, 2 ** 31),
    seconds: int(env, 'PUMPING_SECONDS', 150, 80, 3000),
    legit: {
      users: int(env, 'PUMPING_LEGIT_USERS', 300, 1, 100_000),
      twiceShare: number(env, 'PUMPING_LEGIT_TWICE', 0.3, 0, 1),
      conversion: number(env, 'PUMPING_LEGIT_CONVERSION', 0.8, 0, 1),
      solvers: int(env, 'PUMPING_LEGIT_SOLVERS', 2, 1, 64),
    },
    attack: {
      requests: int(env, 'PUMPING_ATTACK_REQUESTS', 2400, 0, 1_000_000),
      prefixes: int(env, 'PUMPING_ATTACK_PREFIXES', 4, 1, 1000),
      networks: int(env, 'PUMPING_ATTACK_NETWORKS', 60, 1, 1000),
      sendsPerAccount: int(env, 'PUMPING_ATTACK_SENDS_PER_ACCOUNT', 8, 1, 1000),
      solvesChallenges: !['0', 'false', 'no', 'off'].includes(
        (env.PUMPING_ATTACKER_SOLVES ?? 'true').trim().toLowerCase(),
      ),
      solvers: int(env, 'PUMPING_ATTACK_SOLVERS', 2, 1, 64),
      startsAt: number(env, 'PUMPING_ATTACK_STARTS_AT', 0.1, 0, 0.9),
    },
    smsDailyBudget: int(env, 'PUMPING_SMS_DAILY_BUDGET', 10_000, 1, 100_000_000),
    concurrency: int(env, 'PUMPING_CONCURRENCY', 16, 1, 1000),
    modes: guardModes(env.PUMPING_GUARD),
    serverUrl: nonEmpty(env.BENCH_SERVER_URL) ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    keepDatabase: flag(env.BENCH_KEEP_DATABASE),
    port: int(env, 'PUMPING_PORT', 3790, 1024, 65000),
    workDir: nonEmpty(env.PUMPING_WORK_DIR) ?? join(tmpdir(), `pv-pumping-${stamp}`),
    stamp,
  };
}

function guardModes(value: string | undefined): GuardMode[] {
  const text = nonEmpty(value) ?? 'both';
  if (text === 'both') return ['on', 'off'];
  if ((GUARD_MODES as readonly string[]).includes(text)) return [text as GuardMode];
  throw new Error('PUMPING_GUARD must be one of both, on, off');
}
