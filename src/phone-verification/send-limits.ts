import type { SmsCounter, SmsUsage } from '../sms/delivery-log/sms-delivery-log';
import type { SendLimit } from './phone-verification.errors';

/** The configured send limits, as windows in seconds and counts. */
export interface SendLimits {
  resendCooldownSeconds: number;
  /** A reserved send still `pending` this long after its reservation died with its request. */
  pendingSettlesWithinSeconds: number;
  /** SMS to one number for one requesting account, in a rolling window. */
  perPhone: { max: number; windowSeconds: number };
  /** SMS one number receives per UTC day from all accounts together. */
  perPhonePerDay: number;
  perUser: { max: number; windowSeconds: number };
  perIp: { max: number; windowSeconds: number };
  /** SMS one client network (IPv4 /24, IPv6 /48) may send per UTC day: its budget share. */
  perNetworkPerDay: number;
}

export const HOUR = 3600;
export const DAY = 24 * HOUR;

export type SendDecision =
  | { allowed: true }
  | { allowed: false; reason: 'cooldown'; retryAfterSeconds: number }
  | { allowed: false; reason: 'limit'; limit: SendLimit; counter: SmsCounter; over: number }
  /** A per-UTC-day cap: it opens again at the next UTC midnight. */
  | { allowed: false; reason: 'daily'; limit: SendLimit };

type LimitRefusal = Extract<SendDecision, { reason: 'limit' }>;

function overLimit(
  checks: ReadonlyArray<[SendLimit, SmsCounter, number, number]>,
): LimitRefusal | undefined {
  for (const [limit, counter, count, max] of checks) {
    if (count >= max)
      return { allowed: false, reason: 'limit', limit, counter, over: count - max + 1 };
  }
  return undefined;
}

/**
 * The caller's own limits, decided before anything about the number is looked at (so nobody
 * learns whether a number is registered faster than they could send SMS): per user, per client
 * IP, then the client network's share of the day's budget (so no network can take it all).
 * `over` tells how many counted sends must leave the window before one more is allowed (1 when
 * exactly at the limit).
 */
export function decideCallerLimits(usage: SmsUsage, limits: SendLimits): SendDecision {
  const rolling = overLimit([
    ['user', 'byUser', usage.byUserSince, limits.perUser.max],
    ['ip', 'fromIp', usage.fromIpSince, limits.perIp.max],
  ]);
  if (rolling) return rolling;
  if (usage.fromNetworkToday >= limits.perNetworkPerDay) {
    return { allowed: false, reason: 'daily', limit: 'network' };
  }
  return { allowed: true };
}

/**
 * The number's limits, once the caller is within its own: the resend cooldown, SMS to the number
 * for this account in the hour, then SMS to the number from everyone today. The cooldown runs
 * from the user's last SMS to this number, so it covers a resend on one verification and a
 * restart after a failed one alike. The hourly limit counts per requesting account, so other
 * accounts cannot use it up to lock a person out of their own number (API.md, Fraud guard); the
 * daily cap still bounds what all of them together can send to one number.
 */
export function decideNumberLimits(usage: SmsUsage, limits: SendLimits, now: Date): SendDecision {
  const availableAt = cooldownEndsAt(usage, limits);
  if (availableAt !== null && availableAt > now.getTime()) {
    return {
      allowed: false,
      reason: 'cooldown',
      retryAfterSeconds: secondsUntil(availableAt, now),
    };
  }
  const perAccount = overLimit([
    ['phone', 'toPhoneByUser', usage.toPhoneByUserSince, limits.perPhone.max],
  ]);
  if (perAccount) return perAccount;
  if (usage.toPhoneToday >= limits.perPhonePerDay) {
    return { allowed: false, reason: 'daily', limit: 'phone-day' };
  }
  return { allowed: true };
}

/**
 * When the cooldown from the user's last SMS to this number ends: a sent one holds for the whole
 * cooldown; one still pending at most until it must have settled (if it has not, its request died).
 */
function cooldownEndsAt(usage: SmsUsage, limits: SendLimits): number | null {
  const ends: number[] = [];
  if (usage.lastSentByUserToPhone) {
    ends.push(usage.lastSentByUserToPhone.getTime() + limits.resendCooldownSeconds * 1000);
  }
  if (usage.lastPendingByUserToPhone) {
    const holdSeconds = Math.min(limits.resendCooldownSeconds, limits.pendingSettlesWithinSeconds);
    ends.push(usage.lastPendingByUserToPhone.getTime() + holdSeconds * 1000);
  }
  return ends.length > 0 ? Math.max(...ends) : null;
}

/** Whole seconds from `now` until `at`, never less than 1 while `at` is still ahead. */
export function secondsUntil(at: number, now: Date): number {
  return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
}

/** Start of each limit's window, as the delivery log's usage query wants them. */
export function windowStarts(
  limits: SendLimits,
  now: Date,
): { phoneSince: Date; userSince: Date; ipSince: Date } {
  const before = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  return {
    phoneSince: before(limits.perPhone.windowSeconds),
    userSince: before(limits.perUser.windowSeconds),
    ipSince: before(limits.perIp.windowSeconds),
  };
}
