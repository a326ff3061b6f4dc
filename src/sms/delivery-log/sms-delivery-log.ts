import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../common/errors/domain-error';
import { clientNetwork, ipLimitSubject } from '../../common/http/ip-keys';
import { AppConfig } from '../../config/app-config';
import { sqlStateOf } from '../../database/database-errors';
import type { Queryable, Statement, Transaction } from '../../database/database';
import type { SmsOutcome } from '../gateways/sms-gateway';
import { asDate } from '../../database/table';
import {
  SmsAttemptRow,
  SmsConversionRow,
  SmsCountKey,
  SmsCountsQuery,
  SmsCountsRow,
  SmsMessageRepository,
  SmsReservationRow,
} from './sms-message.repository';

export type { SmsCountsQuery, SmsCountsRow, SmsReservationRow };

const HOUR_MS = 3_600_000;

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
  /** The gateway the send will try first. */
  provider: string;
  operator: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  at: Date;
}

/** One gateway attempt at a send, for the log. */
export interface SmsAttempt {
  gateway: string;
  outcome: SmsOutcome;
  latencyMs: number;
  at: Date;
}

/** How many SMS count against each limit right now (pending and sent; failed ones never count). */
export interface SmsUsage {
  /** SMS this user had sent to this number in the per-number window. */
  toPhoneByUserSince: number;
  /** SMS sent to this number today (UTC), by every account. */
  toPhoneToday: number;
  /** SMS the client's network (IPv4 /24, IPv6 /48) had sent today (UTC). */
  fromNetworkToday: number;
  /** SMS sent to the number's prefix in the last hour, and how many of them converted. */
  prefixLastHour: { sent: number; converted: number };
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

/** The rolling-window counters a refusal can name, for the wait until one leaves the window. */
export type SmsCounter = 'toPhoneByUser' | 'byUser' | 'fromIp';

const COUNTED_ON: Record<SmsCounter, readonly SmsCountKey[]> = {
  toPhoneByUser: ['toPhone', 'userId'],
  byUser: ['userId'],
  fromIp: ['clientSubject'],
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
   * The longest a reserved send can stay in flight: one try at each configured gateway's
   * timeout, plus room for storing the outcome. A row still `pending` after that belongs to a
   * request that died (the database went away mid-send): it keeps counting against quotas and
   * the budget, since the SMS may have gone out, but no longer holds the user back with a
   * cooldown.
   */
  readonly pendingSettlesWithinMs: number;

  constructor(
    private readonly messages: SmsMessageRepository,
    private readonly config: AppConfig,
  ) {
    const { gateways, sparrow, aakash } = config.sms;
    const timeouts: Record<string, number> = {
      sparrow: sparrow.timeoutMs,
      aakash: aakash.timeoutMs,
    };
    this.pendingSettlesWithinMs =
      gateways.reduce((sum, gateway) => sum + (timeouts[gateway] ?? 0), 0) + 5000;
  }

  async usage(on: Queryable, query: SmsUsageQuery): Promise<SmsUsage> {
    return this.usageFrom(await this.messages.counts(on, this.countsQuery(query)));
  }

  /** Every key and window start the counts behind `usage` are taken with. */
  countsQuery(query: SmsUsageQuery): SmsCountsQuery {
    return {
      ...query,
      clientSubject: ipLimitSubject(query.clientIp),
      clientNetwork: clientNetwork(query.clientIp),
      prefixSince: new Date(query.now.getTime() - HOUR_MS),
      daySince: new Date(`${utcDay(query.now)}T00:00:00.000Z`),
      pendingSince: new Date(query.now.getTime() - this.pendingSettlesWithinMs),
    };
  }

  /** The usage, from counts taken as `countsQuery` says (also by the send's `send_facts`). */
  usageFrom(counts: SmsCountsRow): SmsUsage {
    return {
      toPhoneByUserSince: counts.toPhoneByUser,
      toPhoneToday: counts.toPhoneToday,
      fromNetworkToday: counts.fromNetworkToday,
      prefixLastHour: { sent: counts.prefixSent, converted: counts.prefixConverted },
      byUserSince: counts.byUser,
      fromIpSince: counts.fromIp,
      lastSentByUserToPhone: asDate(counts.lastSent),
      lastPendingByUserToPhone: asDate(counts.lastPending),
    };
  }

  /**
   * When the `skip`-th oldest counted SMS since `since` was reserved: once it leaves the window,
   * the count drops back under the limit. Only asked for on the (rare) refused path.
   */
  countedAt(
    on: Queryable,
    counter: SmsCounter,
    keys: Readonly<{ toPhone: string; userId: string; clientIp: string }>,
    since: Date,
    skip: number,
  ): Promise<Date | null> {
    const values: Record<SmsCountKey, string> = {
      toPhone: keys.toPhone,
      userId: keys.userId,
      clientSubject: ipLimitSubject(keys.clientIp),
    };
    const filter = Object.fromEntries(COUNTED_ON[counter].map((key) => [key, values[key]]));
    return this.messages.countedAt(on, filter, since, skip);
  }

  /**
   * Writes the send's `pending` row inside the caller's transaction. Today's budget is taken
   * when that transaction commits (the deferred trigger of migration TakeSmsBudgetAtCommit), so
   * the day's counter row is locked only while the commit runs. Over the budget, the commit
   * fails: map it with `budgetRefusal`.
   */
  async reserve(transaction: Transaction, reservation: SmsReservation): Promise<string> {
    const { row, dailyBudget } = this.pendingRow(reservation);
    await this.messages.insertPending(transaction, row, dailyBudget);
    return row.id;
  }

  /**
   * The `pending` row `reserve` writes and the budget it hands to the commit, for a caller that
   * writes it in a statement of its own (the send's `send_reserve`).
   * @throws SmsBudgetExhaustedError when the budget is 0: no SMS may be sent at all.
   */
  pendingRow(reservation: SmsReservation): { row: SmsReservationRow; dailyBudget: number } {
    const budget = this.config.sms.dailyBudget;
    if (budget === 0) throw new SmsBudgetExhaustedError(secondsUntilNextUtcDay(reservation.at));
    return {
      row: {
        id: randomUUID(),
        verificationId: reservation.verificationId,
        userId: reservation.userId,
        toPhone: reservation.toPhone,
        clientIp: reservation.clientIp,
        clientSubject: ipLimitSubject(reservation.clientIp),
        clientNetwork: clientNetwork(reservation.clientIp),
        provider: reservation.provider,
        operator: reservation.operator,
        encoding: reservation.encoding,
        segments: reservation.segments,
        createdAt: reservation.at,
      },
      dailyBudget: budget,
    };
  }

  /** SMS to one mobile operator's numbers since `since`, and how many converted. */
  operatorConversion(on: Queryable, operator: string, since: Date): Promise<SmsConversionRow> {
    return this.messages.operatorConversion(on, operator, since);
  }

  /**
   * Counts a send answered without an SMS (the number is someone's already) against the caller's
   * own limits: probing which numbers are registered costs what sending would.
   */
  async recordAnswer(
    transaction: Transaction,
    answer: Pick<SmsReservation, 'userId' | 'toPhone' | 'clientIp' | 'at'>,
  ): Promise<void> {
    await this.messages.insertAnswered(transaction, {
      id: randomUUID(),
      userId: answer.userId,
      toPhone: answer.toPhone,
      clientIp: answer.clientIp,
      clientSubject: ipLimitSubject(answer.clientIp),
      clientNetwork: clientNetwork(answer.clientIp),
      createdAt: answer.at,
    });
  }

  /** SmsBudgetExhaustedError when a reservation's commit was refused by the budget, else undefined. */
  budgetRefusal(error: unknown, at: Date): SmsBudgetExhaustedError | undefined {
    return sqlStateOf(error) === BUDGET_SPENT_SQLSTATE
      ? new SmsBudgetExhaustedError(secondsUntilNextUtcDay(at))
      : undefined;
  }

  /**
   * The gateway took the SMS, or may have (unknown): it keeps counting against every limit.
   * `then`, a caller's statement, is written in the same statement; its rows come back.
   */
  recordDelivered(
    id: string,
    attempt: SmsAttempt & { outcome: { kind: 'sent' | 'unknown' } },
    then?: Statement,
  ): Promise<Record<string, unknown>[]> {
    return this.messages.markDelivered(id, attempt.outcome.kind, attemptRow(attempt), then);
  }

  /** The SMS did not go out: it stops counting against every limit and its budget slot comes back. */
  recordFailed(id: string, attempt: SmsAttempt): Promise<void> {
    return this.messages.markFailed(id, attemptRow(attempt));
  }

  /**
   * The attempt failed and the same SMS goes to `nextGateway`: the row is closed with its attempt
   * and a new pending row continues the send, holding the same budget slot. The new row's id, or
   * null when the row was no longer pending (nothing was changed).
   */
  async failOver(id: string, attempt: SmsAttempt, nextGateway: string): Promise<string | null> {
    const nextId = randomUUID();
    return (await this.messages.failOver(id, attemptRow(attempt), nextId, nextGateway))
      ? nextId
      : null;
  }

  /** Retention: rows older than `before` go; budget rows too once their day is that old. */
  deleteOlderThan(before: Date): Promise<number> {
    return this.messages.deleteOlderThan(before, utcDay(before));
  }
}

function clip(text: string | undefined): string | null {
  return text === undefined ? null : text.slice(0, 200);
}

function attemptRow({ gateway, outcome, latencyMs, at }: SmsAttempt): SmsAttemptRow {
  const detail = (() => {
    switch (outcome.kind) {
      case 'sent':
      case 'refused':
        return { code: outcome.providerCode, message: outcome.providerMessage };
      case 'unreached':
        return { code: undefined, message: outcome.reason };
      case 'unknown':
        return { code: outcome.providerCode, message: outcome.reason };
    }
  })();
  return {
    provider: gateway,
    outcome: outcome.kind,
    refusalCause: outcome.kind === 'refused' ? outcome.cause : null,
    network: outcome.kind === 'sent' ? (outcome.network?.slice(0, 20) ?? null) : null,
    latencyMs: Math.round(latencyMs),
    providerCode: detail.code?.slice(0, 32) ?? null,
    providerMessage: clip(detail.message),
    providerMessageId: outcome.kind === 'sent' ? (outcome.messageId?.slice(0, 100) ?? null) : null,
    completedAt: at,
  };
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function secondsUntilNextUtcDay(at: Date): number {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - at.getTime()) / 1000));
}
