import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { sqlStateOf } from '../../database/database-errors';
import type { Queryable, Transaction } from '../../database/database';
import type { SmsReceipt } from '../sms-gateway';
import { SmsCountKey, SmsMessageRepository } from './sms-message.repository';

export class SmsBudgetExhaustedError extends DomainError {
  readonly code = 'SMS_BUDGET_EXHAUSTED';
  readonly status = 503;
  constructor(retryAfterSeconds: number) {
    super('The service has sent all the SMS it may send today; try again tomorrow.', {
      retryAfterSeconds,
    });
  }
}

export interface SmsReservation {
  verificationId: string;
  userId: string;
  toPhone: string;
  clientIp: string;
  provider: string;
  at: Date;
}

/** How many SMS count against each limit right now (pending and sent; failed ones never count). */
export interface SmsUsage {
  toPhoneSince: number;
  byUserSince: number;
  fromIpSince: number;
  /** When this user last had an SMS sent to this number, for the resend cooldown. */
  lastSentByUserToPhone: Date | null;
  /**
   * When this user's latest SMS to this number still being sent was reserved; only rows younger
   * than `pendingSettlesWithinMs` (older ones died with their request).
   */
  lastPendingByUserToPhone: Date | null;
}

export interface SmsUsageQuery {
  toPhone: string;
  userId: string;
  clientIp: string;
  now: Date;
  phoneSince: Date;
  userSince: Date;
  ipSince: Date;
}

export type SmsCounter = 'toPhone' | 'byUser' | 'fromIp';

const COUNTED_ON: Record<SmsCounter, SmsCountKey> = {
  toPhone: 'toPhone',
  byUser: 'userId',
  fromIp: 'clientIp',
};

// Raised by migration TakeSmsBudgetAtCommit's trigger when a commit would exceed the budget.
const BUDGET_SPENT_SQLSTATE = 'PV001';

/**
 * The delivery log and the daily budget: every SMS the service tried to send, from which the send
 * limits are counted in the database, so they hold across any number of instances.
 */
@Injectable()
export class SmsDeliveryLog {
  /**
   * The longest a reserved send can stay in flight: two tries at the gateway timeout, plus room
   * for storing the outcome. A row still `pending` after that belongs to a request that died
   * (the database went away mid-send): it keeps counting against quotas and the budget, since
   * the SMS may have gone out, but no longer holds the user back with a cooldown.
   */
  readonly pendingSettlesWithinMs: number;

  constructor(
    private readonly messages: SmsMessageRepository,
    private readonly config: AppConfig,
  ) {
    this.pendingSettlesWithinMs = 2 * config.sms.sparrow.timeoutMs + 5000;
  }

  async usage(on: Queryable, query: SmsUsageQuery): Promise<SmsUsage> {
    const counts = await this.messages.counts(on, {
      ...query,
      pendingSince: new Date(query.now.getTime() - this.pendingSettlesWithinMs),
    });
    return {
      toPhoneSince: counts.toPhone,
      byUserSince: counts.byUser,
      fromIpSince: counts.fromIp,
      lastSentByUserToPhone: counts.lastSent,
      lastPendingByUserToPhone: counts.lastPending,
    };
  }

  /**
   * When the `skip`-th oldest counted SMS since `since` was reserved: once it leaves the window,
   * the count drops back under the limit. Only asked for on the (rare) refused path.
   */
  countedAt(
    on: Queryable,
    counter: SmsCounter,
    value: string,
    since: Date,
    skip: number,
  ): Promise<Date | null> {
    return this.messages.countedAt(on, COUNTED_ON[counter], value, since, skip);
  }

  /**
   * Writes the send's `pending` row inside the caller's transaction. Today's budget is taken
   * when that transaction commits (the deferred trigger of migration TakeSmsBudgetAtCommit), so
   * the day's counter row is locked only while the commit runs. Over the budget, the commit
   * fails: map it with `budgetRefusal`.
   */
  async reserve(transaction: Transaction, reservation: SmsReservation): Promise<string> {
    const budget = this.config.sms.dailyBudget;
    if (budget === 0) throw new SmsBudgetExhaustedError(secondsUntilNextUtcDay(reservation.at));
    const id = randomUUID();
    await this.messages.insertPending(
      transaction,
      {
        id,
        verificationId: reservation.verificationId,
        userId: reservation.userId,
        toPhone: reservation.toPhone,
        clientIp: reservation.clientIp,
        provider: reservation.provider,
        createdAt: reservation.at,
      },
      budget,
    );
    return id;
  }

  /** SmsBudgetExhaustedError when a reservation's commit was refused by the budget, else undefined. */
  budgetRefusal(error: unknown, at: Date): SmsBudgetExhaustedError | undefined {
    return sqlStateOf(error) === BUDGET_SPENT_SQLSTATE
      ? new SmsBudgetExhaustedError(secondsUntilNextUtcDay(at))
      : undefined;
  }

  markSent(on: Queryable, id: string, receipt: SmsReceipt, at: Date): Promise<void> {
    return this.messages.markSent(on, id, {
      providerCode: receipt.providerCode ?? null,
      providerMessage: clip(receipt.providerMessage),
      providerMessageId: receipt.providerMessageId ?? null,
      completedAt: at,
    });
  }

  /** The SMS did not go out: it stops counting against every limit and its budget slot comes back. */
  markFailed(
    id: string,
    failure: { providerCode?: string; providerMessage?: string },
    at: Date,
  ): Promise<void> {
    return this.messages.markFailed(id, {
      providerCode: failure.providerCode ?? null,
      providerMessage: clip(failure.providerMessage),
      completedAt: at,
    });
  }

  /** Retention: rows older than `before` go; budget rows too once their day is that old. */
  deleteOlderThan(before: Date): Promise<number> {
    return this.messages.deleteOlderThan(before, utcDay(before));
  }
}

function clip(text: string | undefined): string | null {
  return text === undefined ? null : text.slice(0, 200);
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function secondsUntilNextUtcDay(at: Date): number {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - at.getTime()) / 1000));
}
