import { Injectable } from '@nestjs/common';
import type { StatisticsWindow } from '../common/statistics/statistics-window';
import { operatorOf } from './phone-number/mobile-operators';
import { PhoneVerificationRepository } from './phone-verification.repository';

export interface ApprovalSummary {
  /** Approved verifications by bucket start (ms since the epoch). */
  readonly perBucket: ReadonlyMap<number, number>;
  /** By mobile operator (NTC, NCELL, …; `unknown` outside the operator table). */
  readonly perOperator: ReadonlyMap<string, number>;
}

/** Verifications read for the operator console: approvals over a window. */
@Injectable()
export class VerificationStatistics {
  constructor(private readonly verifications: PhoneVerificationRepository) {}

  async approvals(window: StatisticsWindow): Promise<ApprovalSummary> {
    const rows = await this.verifications.approvalsPerBucket(window);
    const perBucket = new Map<number, number>();
    const perOperator = new Map<string, number>();
    for (const { start, range, approved } of rows) {
      const key = start.getTime();
      perBucket.set(key, (perBucket.get(key) ?? 0) + approved);
      const operator = operatorOf(range) ?? 'unknown';
      perOperator.set(operator, (perOperator.get(operator) ?? 0) + approved);
    }
    return { perBucket, perOperator };
  }
}
