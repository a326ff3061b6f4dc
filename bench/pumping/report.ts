import { percent, table } from '../report';
import type { PumpingPlan } from './plan';
import type { PumpingSettings } from './settings';
import { RunTally } from './tally';

/** Issue 17's targets, with the defaults: the attacker's SMS with the guard against without it, and legitimate users served. */
export const TARGETS = { maxAttackerShare: 0.05, minLegitServed: 0.99 } as const;

export interface Verdict {
  readonly lines: string[];
  readonly passed: boolean;
}

export function describeRun(settings: PumpingSettings, plan: PumpingPlan): string {
  const { legit, attack } = settings;
  const twice = plan.legit.filter((user) => user.asks.length > 1).length;
  const converting = plan.legit.filter((user) => user.typesCodeAfter !== undefined).length;
  const byNetwork = (kind: string) => plan.legit.filter((user) => user.network === kind).length;
  return [
    `seed ${settings.seed}, ${settings.seconds} s of traffic per run, SMS_DAILY_BUDGET ${settings.smsDailyBudget}, ` +
      `${settings.concurrency} requests in flight at most, ` +
      `${settings.legit.solvers} + ${settings.attack.solvers} challenge solvers (legit + attacker)`,
    `legitimate: ${legit.users} users (${byNetwork('home')} on home networks, ${byNetwork('mobile-ipv4')} behind ` +
      `carrier NAT, ${byNetwork('mobile-ipv6')} on carrier IPv6), ${twice} ask twice, ${converting} type the code back`,
    `attacker: ${attack.requests} sends from ${plan.attackAccounts.length} accounts on ${Math.min(attack.networks, plan.attackAccounts.length)} networks, ` +
      `numbers walked in order under ${listed(plan.attackPrefixes)}, from ${Math.round(
        attack.startsAt * settings.seconds,
      )} s on; ${attack.solvesChallenges ? 'solves every challenge' : 'solves no challenge'}, never types a code`,
  ].join('\n');
}

/** The first few of a long list, and how many there are. */
function listed(items: readonly string[], shown = 6): string {
  if (items.length <= shown) return items.join(', ');
  return `${items.slice(0, shown).join(', ')} … (${items.length} in all)`;
}

/** The two runs side by side (or the one that ran). */
export function formatRuns(tallies: readonly RunTally[], plan: PumpingPlan): string {
  const attackStart = plan.attack[0]?.at ?? 0;
  const column = (t: RunTally) => {
    const first = t.firstGuardRefusal();
    const attackerPrefixes = t.blockedPrefixes.filter((p) => plan.attackPrefixes.includes(p));
    return {
      'attacker sends': String(t.attacker.outcomes.length),
      'attacker SMS sent': String(t.attackerSms),
      ...Object.fromEntries(
        t
          .attackerAnswers()
          .filter(([label]) => label !== 'sent')
          .map(([label, n]) => [`attacker refused: ${label}`, String(n)]),
      ),
      'attacker challenges solved': String(t.attacker.solved),
      ...Object.fromEntries(
        [...t.attacker.challengeFailures].map(([why, n]) => [
          `attacker challenge failed: ${why}`,
          String(n),
        ]),
      ),
      'guard first refused the attacker': first
        ? `send #${first.index + 1} (${first.smsBefore} SMS before), ${first.label}`
        : 'never',
      '… planned at / first refusal answered at': first
        ? `${(plan.attack[first.index].at - attackStart).toFixed(1)} s / ` +
          `${(first.firstAnsweredAt - attackStart).toFixed(1)} s into the attack`
        : '–',
      'prefixes blocked (attacker’s)': `${t.blockedPrefixes.length} (${attackerPrefixes.length})`,
      'legit users served / total': `${t.legit.served} / ${t.legit.users} (${percent(t.legit.served / t.legit.users)})`,
      'legit users converted': `${t.legit.converted} (${percent(t.legit.converted / t.legit.users)})`,
      'legit asks / challenges solved': `${t.legit.asks} / ${t.legit.solved}`,
      ...Object.fromEntries(
        [...t.legit.challengeFailures].map(([why, n]) => [
          `legit challenge failed: ${why}`,
          String(n),
        ]),
      ),
      ...Object.fromEntries(
        [...t.legit.unserved].map(([label, n]) => [`legit never served: ${label}`, String(n)]),
      ),
      'SMS at the gateway (all)': String(t.smsAtGateway),
      'accounts registered': String(t.accounts),
      'latest answer, s after planned: legit / attacker': `${t.lateness.legit.toFixed(1)} / ${t.lateness.attacker.toFixed(1)}`,
    } as Record<string, string>;
  };
  const columns = tallies.map(column);
  const keys = [...new Set(columns.flatMap((c) => Object.keys(c)))];
  const rows = [
    ['', ...tallies.map((t) => `guard ${t.mode}`)],
    ...keys.map((key) => [key, ...columns.map((c) => c[key] ?? '0')]),
  ];
  return table(rows, ['left', ...tallies.map(() => 'right' as const)]);
}

/** PASS/FAIL against the targets; the attacker's share needs both runs. */
export function verdict(tallies: readonly RunTally[]): Verdict {
  const on = tallies.find((t) => t.mode === 'on');
  const off = tallies.find((t) => t.mode === 'off');
  const lines: string[] = [];
  let passed = true;
  const line = (what: string, value: string, target: string, ok: boolean) => {
    passed &&= ok;
    lines.push(
      `${what.padEnd(52)} ${value.padEnd(26)} ${target.padEnd(8)} ${ok ? 'PASS' : 'FAIL'}`,
    );
  };
  if (on && off) {
    const share = off.attackerSms === 0 ? 0 : on.attackerSms / off.attackerSms;
    line(
      'attacker SMS, guard on / guard off',
      `${on.attackerSms} / ${off.attackerSms} = ${percent(share)}`,
      `≤ ${percent(TARGETS.maxAttackerShare)}`,
      share <= TARGETS.maxAttackerShare,
    );
  }
  if (on) {
    const served = on.legit.served / on.legit.users;
    line(
      'legitimate users who got their code, guard on',
      `${on.legit.served} / ${on.legit.users} = ${percent(served)}`,
      `≥ ${percent(TARGETS.minLegitServed)}`,
      served >= TARGETS.minLegitServed,
    );
  }
  return { lines, passed };
}
