import { BenchUser, clientIp, PhoneNumbers, UserPool } from './fixtures';
import type { BenchRequest, Workload } from './load';
import type { SmsInbox } from './sms-inbox';

/**
 * The benchmark's workloads, one per scenario. Each request is built by `next()` from the
 * harness's fixtures: every simulated client is one user with its own token and its own
 * X-Forwarded-For address, and requests are spread over many users (a user has at most one
 * pending verification, and sends for one user serialise on a lock).
 */

/** A verification the harness started and whose code it read from the fake Sparrow server. */
export interface SentVerification {
  readonly user: BenchUser;
  /** The number as it was posted (national format). */
  readonly phone: string;
  readonly code: string;
}

/** Where workloads take their users and numbers from (a UserPool and PhoneNumbers, or stand-ins). */
export type Users = Pick<UserPool, 'users' | 'size'>;
export type Phones = Pick<PhoneNumbers, 'take'>;

export const SCENARIO_TITLES: Record<number, string> = {
  0: 'GET /health/live (no-op ceiling)',
  1: 'POST /v1/phone-verifications (send)',
  2: 'POST /v1/phone-verifications/check (wrong code)',
  3: 'POST /v1/phone-verifications/check (right code)',
  4: 'GET /v1/users/me',
};

function headers(user: BenchUser, json: boolean): Record<string, string> {
  return {
    authorization: `Bearer ${user.token}`,
    'x-forwarded-for': user.ip,
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

/** 0: the framework's own ceiling on this machine: routing, hooks, logging, serialisation. */
export class HealthWorkload implements Workload {
  readonly name = 'health';
  readonly expectedStatus = 200;
  readonly ranOut = 0;
  private n = 0;

  next(): BenchRequest {
    return {
      method: 'GET',
      path: '/health/live',
      headers: { 'x-forwarded-for': clientIp(this.n++ % 65_536) },
    };
  }
}

/**
 * 1: a new phone number per request, each from a user that has not sent before (so no send
 * cancels another's pending verification, and no lock is shared). Every 201 becomes a
 * SentVerification, with the code the fake Sparrow server received.
 */
export class SendWorkload implements Workload {
  readonly name = 'send';
  readonly expectedStatus = 201;
  ranOut = 0;
  /** Users consumed so far (shared by every SendWorkload on the same pool through `cursor`). */
  private readonly inFlight = new Map<string, BenchUser>();

  constructor(
    private readonly users: Users,
    private readonly phones: Phones,
    private readonly inbox: SmsInbox,
    private readonly sent: SentVerification[],
    private readonly cursor: { next: number },
  ) {}

  next(): BenchRequest {
    if (this.cursor.next >= this.users.size) this.ranOut++;
    const user = this.users.users[this.cursor.next++ % this.users.size];
    const phone = this.phones.take();
    this.inFlight.set(phone, user);
    return {
      method: 'POST',
      path: '/v1/phone-verifications',
      headers: headers(user, true),
      body: JSON.stringify({ phone }),
    };
  }

  onResponse(status: number, body: string): void {
    const phone = /"phone":"\+977(\d{10})"/.exec(body)?.[1];
    if (!phone) return;
    const user = this.inFlight.get(phone);
    this.inFlight.delete(phone);
    const code = this.inbox.codeFor(phone);
    if (status === 201 && user && code) this.sent.push({ user, phone, code });
  }

  /** Requests sent whose answer never came back (cut off when the run stopped). */
  get unanswered(): number {
    return this.inFlight.size;
  }
}

/** A code of the same length that is certainly not `code`. */
export function wrongCodeFor(code: string): string {
  return String((Number(code[0]) + 1) % 10) + code.slice(1);
}

/**
 * 2: a wrong code, round-robin over the prepared verifications so concurrent checks never share
 * a row lock. Each verification takes at most `maxWrongPerVerification` wrong codes (one fewer
 * than OTP_MAX_ATTEMPTS), so none fails and scenario 3 can still approve it.
 */
export class WrongCheckWorkload implements Workload {
  readonly name = 'check-wrong';
  readonly expectedStatus = 400;
  ranOut = 0;
  private n = 0;

  constructor(
    private readonly verifications: readonly SentVerification[],
    private readonly maxWrongPerVerification: number,
  ) {}

  next(): BenchRequest {
    const count = this.verifications.length;
    if (count === 0) throw new Error('no prepared verifications');
    const round = Math.floor(this.n / count);
    if (round >= this.maxWrongPerVerification) this.ranOut++;
    const verification = this.verifications[this.n++ % count];
    return checkRequest(verification, wrongCodeFor(verification.code));
  }
}

/** 3: the right code; each request approves a different verification. */
export class RightCheckWorkload implements Workload {
  readonly name = 'check-right';
  readonly expectedStatus = 200;
  ranOut = 0;
  private n = 0;

  constructor(private readonly verifications: readonly SentVerification[]) {}

  next(): BenchRequest {
    const count = this.verifications.length;
    if (count === 0) throw new Error('no prepared verifications');
    // Out of fresh ones: repeat an approved one (it answers 404) and say so in the report.
    if (this.n >= count) this.ranOut++;
    const verification = this.verifications[this.n++ % count];
    return checkRequest(verification, verification.code);
  }

  get used(): number {
    return this.n;
  }
}

function checkRequest(verification: SentVerification, code: string): BenchRequest {
  return {
    method: 'POST',
    path: '/v1/phone-verifications/check',
    headers: headers(verification.user, true),
    body: JSON.stringify({ phone: verification.phone, code }),
  };
}

/** 4: the authenticated read: JWT guard, one primary-key select, the User response. */
export class MeWorkload implements Workload {
  readonly name = 'users-me';
  readonly expectedStatus = 200;
  readonly ranOut = 0;
  private n = 0;

  constructor(private readonly users: Users) {}

  next(): BenchRequest {
    const user = this.users.users[this.n++ % this.users.size];
    return { method: 'GET', path: '/v1/users/me', headers: headers(user, false) };
  }
}
