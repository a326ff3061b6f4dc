import type { BenchRequest, Workload } from './load';
import { SentVerification, wrongCodeFor } from './scenarios';

/**
 * The soak's check workloads feed on verifications that the soak's own sends keep producing.
 * Every `wrongEvery`-th verification is kept for wrong codes (up to `maxWrong` each, so it never
 * fails); all the others are approved, oldest first, by right codes.
 */
export class SoakVerifications {
  private rightCursor = 0;
  private wrongCursor = 0;
  private readonly wrongCounts: number[] = [];

  constructor(
    readonly sent: SentVerification[],
    private readonly wrongEvery = 4,
    private readonly maxWrong = 19,
  ) {}

  private isForWrongCodes(index: number): boolean {
    return index % this.wrongEvery === this.wrongEvery - 1;
  }

  /** The oldest verification not yet approved, if any. */
  nextForRightCode(): SentVerification | undefined {
    while (this.rightCursor < this.sent.length && this.isForWrongCodes(this.rightCursor)) {
      this.rightCursor++;
    }
    return this.rightCursor < this.sent.length ? this.sent[this.rightCursor++] : undefined;
  }

  /** Round-robin over the wrong-code verifications that can take one more wrong code. */
  nextForWrongCode(): SentVerification | undefined {
    const pool = Math.floor(this.sent.length / this.wrongEvery);
    for (let tries = 0; tries < pool; tries++) {
      const slot = this.wrongCursor++ % pool;
      const used = this.wrongCounts[slot] ?? 0;
      if (used < this.maxWrong) {
        this.wrongCounts[slot] = used + 1;
        return this.sent[slot * this.wrongEvery + this.wrongEvery - 1];
      }
    }
    return undefined;
  }
}

function check(verification: SentVerification, code: string): BenchRequest {
  return {
    method: 'POST',
    path: '/v1/phone-verifications/check',
    headers: {
      authorization: `Bearer ${verification.user.token}`,
      'x-forwarded-for': verification.user.ip,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ phone: verification.phone, code }),
  };
}

/** A right code for a fresh verification; when none is left, a repeat (404), counted as ran out. */
export class SoakRightCheckWorkload implements Workload {
  readonly name = 'check-right';
  readonly expectedStatus = 200;
  ranOut = 0;
  private last?: SentVerification;

  constructor(private readonly verifications: SoakVerifications) {}

  next(): BenchRequest {
    const fresh = this.verifications.nextForRightCode();
    if (!fresh) this.ranOut++;
    this.last = fresh ?? this.last ?? this.verifications.sent[0];
    return check(this.last, this.last.code);
  }
}

export class SoakWrongCheckWorkload implements Workload {
  readonly name = 'check-wrong';
  readonly expectedStatus = 400;
  ranOut = 0;

  constructor(private readonly verifications: SoakVerifications) {}

  next(): BenchRequest {
    const verification = this.verifications.nextForWrongCode();
    if (!verification) {
      this.ranOut++;
      const any = this.verifications.sent[0];
      return check(any, wrongCodeFor(any.code));
    }
    return check(verification, wrongCodeFor(verification.code));
  }
}

/** Counts answers and 5xx as they come, so the soak can report them per sampling interval. */
export class Tally implements Workload {
  answered = 0;
  serverErrors = 0;
  unexpected = 0;

  constructor(private readonly inner: Workload) {}

  get name(): string {
    return this.inner.name;
  }

  get expectedStatus(): number {
    return this.inner.expectedStatus;
  }

  get ranOut(): number {
    return this.inner.ranOut;
  }

  next(): BenchRequest {
    return this.inner.next();
  }

  onResponse(status: number, body: string): void {
    this.answered++;
    if (status >= 500) this.serverErrors++;
    if (status !== this.inner.expectedStatus) this.unexpected++;
    this.inner.onResponse?.(status, body);
  }
}
