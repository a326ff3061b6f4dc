import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { SmsInbox } from '../sms-inbox';
import { Accounts } from './accounts';
import { SimulationClient } from './client';
import { Semaphore } from './semaphore';
import { RESEND_AFTER_SECONDS, type AttackSend, type LegitUser, type PumpingPlan } from './plan';
import type { GuardMode, PumpingSettings } from './settings';
import { answerLabel, RunTally } from './tally';

export interface SimulationTarget {
  readonly url: string;
  readonly inbox: SmsInbox;
  /** A connection to the app's database (accounts are registered there; blocks read at the end). */
  readonly database: Pool;
  readonly jwtSecret: string;
  readonly accessTtlSeconds: number;
}

/**
 * Plays the plan against a running app in real time: every person's requests at their planned
 * second, legitimate users and the attacker interleaved. Nothing waits for the guard: if the app
 * falls behind, requests queue in the client and the lateness is reported.
 */
export async function simulate(
  target: SimulationTarget,
  plan: PumpingPlan,
  settings: PumpingSettings,
  mode: GuardMode,
): Promise<RunTally> {
  const tally = new RunTally(mode);
  const client = new SimulationClient(target.url, settings.concurrency);
  const legitSolver = new Semaphore(settings.legit.solvers);
  const attackerSolver = settings.attack.solvesChallenges
    ? new Semaphore(settings.attack.solvers)
    : undefined;
  const accounts = new Accounts(target.database, target.jwtSecret, target.accessTtlSeconds);
  const startedAt = performance.now();
  const elapsed = () => (performance.now() - startedAt) / 1000;
  const until = async (second: number) => {
    const wait = second - elapsed();
    if (wait > 0) await sleep(wait * 1000);
  };

  const legitUser = async (user: LegitUser) => {
    let served = false;
    let lastLabel = 'not asked';
    let lastSmsAt = -Infinity;
    for (const planned of user.asks) {
      // the page counts the resend cooldown down from the last SMS: a second ask waits for it
      const at = Math.max(planned, lastSmsAt + RESEND_AFTER_SECONDS);
      await until(at);
      const caller = await accounts.caller(`u${user.index}`, user.ip);
      const outcome = await client.askForCode(caller, user.phone, legitSolver);
      tally.late('legit', elapsed() - at);
      tally.legitAsked(outcome);
      lastLabel = answerLabel(outcome.answer);
      if (outcome.answer.status === 201) {
        served = true;
        lastSmsAt = elapsed();
      }
    }
    let converted = false;
    if (served && user.typesCodeAfter !== undefined) {
      await sleep(user.typesCodeAfter * 1000);
      const code = target.inbox.codeFor(user.phone);
      const caller = await accounts.caller(`u${user.index}`, user.ip);
      if (code) converted = (await client.check(caller, user.phone, code)).status === 200;
    }
    tally.legitUserDone(served, converted, lastLabel);
  };

  const attackerSend = async (send: AttackSend) => {
    await until(send.at);
    const account = plan.attackAccounts[send.account];
    const caller = await accounts.caller(`a${account.index}`, account.ip);
    const outcome = await client.askForCode(caller, send.phone, attackerSolver);
    const answeredAt = elapsed();
    tally.late('attacker', answeredAt - send.at);
    tally.attackerAsked(send.index, outcome, answeredAt);
  };

  await Promise.all([...plan.legit.map(legitUser), ...plan.attack.map(attackerSend)]);
  tally.trafficSeconds = elapsed();
  tally.accounts = accounts.count;
  tally.smsAtGateway = target.inbox.smsCount;
  const { rows } = await target.database.query<{ prefix: string }>(
    `SELECT DISTINCT prefix FROM phone_blocks WHERE source = 'auto' AND prefix IS NOT NULL ORDER BY prefix`,
  );
  tally.blockedPrefixes = rows.map((row) => row.prefix);
  return tally;
}
