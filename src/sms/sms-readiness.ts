import { setTimeout as sleep } from 'node:timers/promises';
import { SparrowCredits } from './sparrow/sparrow-credits';

/** What /health/ready reports about SMS: informative only, it never fails readiness. */
export interface SmsReadinessDetail {
  status: 'up' | 'unknown';
  provider: string;
  creditsAvailable?: number;
}

// Orchestrators give a readiness probe about a second; a slow Sparrow must not make us look dead.
// A credit query still running past this keeps going in the background and fills the cache.
export const READINESS_WAIT_MS = 1000;

/** The Sparrow credit balance for the readiness report; nothing for the console gateway. */
export class SmsReadiness {
  constructor(private readonly credits: SparrowCredits | undefined) {}

  async report(): Promise<SmsReadinessDetail | undefined> {
    if (!this.credits) return undefined;
    const tooLate = sleep(READINESS_WAIT_MS, undefined, { ref: false });
    const balance = await Promise.race([this.credits.balance(), tooLate]);
    return balance?.status === 'up'
      ? { status: 'up', provider: 'sparrow', creditsAvailable: balance.creditsAvailable }
      : { status: 'unknown', provider: 'sparrow' };
  }
}
