export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitSettings {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit refuses before one probe may go. */
  readonly openMs: number;
}

/**
 * One gateway's circuit, in this process. Closed: every send may go; after `failureThreshold`
 * failures in a row it opens and refuses for `openMs`; then it half-opens and lets exactly one
 * send through as a probe: a success closes it, a failure opens it again. `now` is milliseconds
 * from the injected clock, so tests can move time.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;

  constructor(private readonly settings: CircuitSettings) {}

  state(now: number): CircuitState {
    if (this.openedAt === null) return 'closed';
    return now - this.openedAt >= this.settings.openMs ? 'half-open' : 'open';
  }

  /**
   * Whether a send may go to this gateway now. Half-open, the first caller takes the probe and
   * every other caller is refused until its outcome is recorded.
   */
  tryAcquire(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** The gateway answered in a way that shows it works (sent, or refused the number). */
  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
  }

  /** An account refusal, not reached, or an unknown outcome. */
  recordFailure(now: number): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.settings.failureThreshold) this.openedAt = now;
    this.probing = false;
  }
}
