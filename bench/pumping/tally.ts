import type { Answer, AskOutcome } from './client';
import type { GuardMode } from './settings';

/** The guard's own refusals (API.md, "Fraud guard"), as `answerLabel` names them. */
export const GUARD_REFUSALS = [
  'PHONE_BLOCKED',
  'CHALLENGE_REQUIRED',
  'SEND_LIMIT_REACHED (network)',
] as const;

/** `sent` for a 201, else the problem's code (and which send limit, for SEND_LIMIT_REACHED). */
export function answerLabel(answer: Answer): string {
  if (answer.status === 201) return 'sent';
  if (answer.code === 'SEND_LIMIT_REACHED')
    return `SEND_LIMIT_REACHED (${sendLimit(answer.detail)})`;
  return answer.code ?? `HTTP ${answer.status}`;
}

// The detail of SendLimitReachedError says which limit (src/phone-verification/phone-verification.errors.ts).
function sendLimit(detail = ''): string {
  if (/network/.test(detail)) return 'network';
  if (/your address/.test(detail)) return 'ip';
  if (/your account/.test(detail)) return 'user';
  if (/today/.test(detail)) return 'phone-day';
  return 'phone';
}

/** What one run (guard on or off) did, counted as it went. */
export class RunTally {
  readonly attacker = {
    /** Outcome of each attacker send, by its index in the plan. */
    outcomes: [] as string[],
    /** When each was answered, in seconds from the start of the traffic. */
    answeredAt: [] as number[],
    challenged: 0,
    solved: 0,
    challengeFailures: new Map<string, number>(),
  };
  readonly legit = {
    users: 0,
    served: 0,
    converted: 0,
    asks: 0,
    challenged: 0,
    solved: 0,
    challengeFailures: new Map<string, number>(),
    answers: new Map<string, number>(),
    /** Users who never got a code, and the answer to their last ask. */
    unserved: new Map<string, number>(),
  };
  /** SMS the fake gateway received, prefixes the guard blocked: read at the end. */
  smsAtGateway = 0;
  blockedPrefixes: string[] = [];
  accounts = 0;
  /** The latest answer to each party, in seconds after the moment its ask was planned for. */
  readonly lateness = { legit: 0, attacker: 0 };
  trafficSeconds = 0;

  constructor(readonly mode: GuardMode) {}

  attackerAsked(index: number, outcome: AskOutcome, answeredAt: number): void {
    this.attacker.outcomes[index] = answerLabel(outcome.answer);
    this.attacker.answeredAt[index] = answeredAt;
    if (outcome.challenged) this.attacker.challenged += 1;
    if (outcome.solved) this.attacker.solved += 1;
    count(this.attacker.challengeFailures, outcome.challengeFailure);
  }

  legitAsked(outcome: AskOutcome): void {
    this.legit.asks += 1;
    const label = answerLabel(outcome.answer);
    this.legit.answers.set(label, (this.legit.answers.get(label) ?? 0) + 1);
    if (outcome.challenged) this.legit.challenged += 1;
    if (outcome.solved) this.legit.solved += 1;
    count(this.legit.challengeFailures, outcome.challengeFailure);
  }

  legitUserDone(served: boolean, converted: boolean, lastLabel: string): void {
    this.legit.users += 1;
    if (served) this.legit.served += 1;
    else this.legit.unserved.set(lastLabel, (this.legit.unserved.get(lastLabel) ?? 0) + 1);
    if (converted) this.legit.converted += 1;
  }

  late(party: 'legit' | 'attacker', seconds: number): void {
    this.lateness[party] = Math.max(this.lateness[party], seconds);
  }

  get attackerSms(): number {
    return this.attacker.outcomes.filter((label) => label === 'sent').length;
  }

  /** Attacker answers by label, most frequent first. */
  attackerAnswers(): Array<[string, number]> {
    const counts = new Map<string, number>();
    for (const label of this.attacker.outcomes) counts.set(label, (counts.get(label) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]);
  }

  /**
   * The guard's first refusal of the attacker: the first send in the plan's order it refused (and
   * the attacker's SMS before that one), and the first such answer in time.
   */
  firstGuardRefusal():
    { index: number; label: string; smsBefore: number; firstAnsweredAt: number } | undefined {
    const guard: readonly string[] = GUARD_REFUSALS;
    const refused = (label: string) => guard.includes(label);
    const index = this.attacker.outcomes.findIndex(refused);
    if (index < 0) return undefined;
    const smsBefore = this.attacker.outcomes.slice(0, index).filter((l) => l === 'sent').length;
    const firstAnsweredAt = Math.min(
      ...this.attacker.outcomes.flatMap((label, i) =>
        refused(label) ? [this.attacker.answeredAt[i]] : [],
      ),
    );
    return { index, label: this.attacker.outcomes[index], smsBefore, firstAnsweredAt };
  }
}

function count(counts: Map<string, number>, key: string | undefined): void {
  if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
}
