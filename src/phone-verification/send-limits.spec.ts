import type { SmsUsage } from '../sms/delivery-log/sms-delivery-log';
import {
  DAY,
  decideCallerLimits,
  decideNumberLimits,
  HOUR,
  SendLimits,
  secondsUntil,
  windowStarts,
} from './send-limits';

const limits: SendLimits = {
  resendCooldownSeconds: 60,
  pendingSettlesWithinSeconds: 15,
  perPhone: { max: 5, windowSeconds: HOUR },
  perPhonePerDay: 15,
  perNetworkPerDay: 100,
  perUser: { max: 10, windowSeconds: DAY },
  perIp: { max: 20, windowSeconds: HOUR },
};
const now = new Date('2026-11-22T10:00:00.000Z');
const usage = (overrides: Partial<SmsUsage> = {}): SmsUsage => ({
  toPhoneByUserSince: 0,
  toPhoneToday: 0,
  fromNetworkToday: 0,
  prefixLastHour: { sent: 0, converted: 0 },
  byUserSince: 0,
  fromIpSince: 0,
  lastSentByUserToPhone: null,
  lastPendingByUserToPhone: null,
  ...overrides,
});
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000);

const decideSend = decideNumberLimits;

describe('decideNumberLimits', () => {
  it('allows a first send', () => {
    expect(decideSend(usage(), limits, now)).toEqual({ allowed: true });
  });

  it('refuses within the cooldown with the exact wait, and allows at its end', () => {
    expect(decideSend(usage({ lastSentByUserToPhone: secondsAgo(18) }), limits, now)).toEqual({
      allowed: false,
      reason: 'cooldown',
      retryAfterSeconds: 42,
    });
    expect(decideSend(usage({ lastSentByUserToPhone: secondsAgo(60) }), limits, now)).toEqual({
      allowed: true,
    });
  });

  it('rounds a partial second of cooldown up, never to zero', () => {
    const almost = new Date(now.getTime() - 59_999);
    expect(decideSend(usage({ lastSentByUserToPhone: almost }), limits, now)).toMatchObject({
      retryAfterSeconds: 1,
    });
  });

  it('holds a send still pending for the cooldown, but no longer than it can take to settle', () => {
    expect(decideSend(usage({ lastPendingByUserToPhone: secondsAgo(5) }), limits, now)).toEqual({
      allowed: false,
      reason: 'cooldown',
      retryAfterSeconds: 10,
    });
    expect(decideSend(usage({ lastPendingByUserToPhone: secondsAgo(15) }), limits, now)).toEqual({
      allowed: true,
    });
    const shortCooldown = { ...limits, resendCooldownSeconds: 3 };
    expect(
      decideSend(usage({ lastPendingByUserToPhone: secondsAgo(1) }), shortCooldown, now),
    ).toMatchObject({
      retryAfterSeconds: 2,
    });
  });

  it('takes the later end when both a sent and a pending SMS exist', () => {
    expect(
      decideSend(
        usage({ lastSentByUserToPhone: secondsAgo(30), lastPendingByUserToPhone: secondsAgo(1) }),
        limits,
        now,
      ),
    ).toMatchObject({ retryAfterSeconds: 30 });
  });

  it("checks the cooldown before the number's counter", () => {
    expect(
      decideSend(
        usage({ lastSentByUserToPhone: secondsAgo(1), toPhoneByUserSince: 99 }),
        limits,
        now,
      ),
    ).toMatchObject({ reason: 'cooldown' });
  });

  it('refuses at the phone limit, reporting how far over a lowered limit the count is', () => {
    expect(decideSend(usage({ toPhoneByUserSince: 5 }), limits, now)).toEqual({
      allowed: false,
      reason: 'limit',
      limit: 'phone',
      counter: 'toPhoneByUser',
      over: 1,
    });
    expect(decideSend(usage({ toPhoneByUserSince: 8 }), limits, now)).toMatchObject({ over: 4 });
    expect(decideSend(usage({ toPhoneByUserSince: 4 }), limits, now)).toEqual({ allowed: true });
  });

  it('caps what every account together sends to a number per UTC day', () => {
    expect(decideSend(usage({ toPhoneToday: 15 }), limits, now)).toEqual({
      allowed: false,
      reason: 'daily',
      limit: 'phone-day',
    });
    expect(decideSend(usage({ toPhoneToday: 14 }), limits, now)).toEqual({ allowed: true });
    // the per-account hourly limit is decided first
    expect(
      decideSend(usage({ toPhoneToday: 15, toPhoneByUserSince: 5 }), limits, now),
    ).toMatchObject({ reason: 'limit', limit: 'phone' });
  });

  it("leaves the caller's own counters to decideCallerLimits", () => {
    expect(decideSend(usage({ byUserSince: 99, fromIpSince: 99 }), limits, now)).toEqual({
      allowed: true,
    });
  });
});

describe('decideCallerLimits', () => {
  it.each([
    ['user', 'byUser', { byUserSince: 10 }],
    ['ip', 'fromIp', { fromIpSince: 20 }],
  ] as const)('refuses at the %s limit', (limit, counter, counts) => {
    expect(decideCallerLimits(usage(counts), limits)).toEqual({
      allowed: false,
      reason: 'limit',
      limit,
      counter,
      over: 1,
    });
  });

  it("allows one below each, whatever the number's own counts and cooldown", () => {
    expect(
      decideCallerLimits(
        usage({
          byUserSince: 9,
          fromIpSince: 19,
          toPhoneByUserSince: 99,
          lastSentByUserToPhone: secondsAgo(1),
        }),
        limits,
      ),
    ).toEqual({ allowed: true });
  });

  it("refuses a network past its share of the day's budget", () => {
    expect(decideCallerLimits(usage({ fromNetworkToday: 100 }), limits)).toEqual({
      allowed: false,
      reason: 'daily',
      limit: 'network',
    });
    expect(decideCallerLimits(usage({ fromNetworkToday: 99 }), limits)).toEqual({ allowed: true });
  });

  it('reports the user limit first when both are reached', () => {
    expect(decideCallerLimits(usage({ byUserSince: 10, fromIpSince: 20 }), limits)).toMatchObject({
      limit: 'user',
    });
  });
});

describe('window maths', () => {
  it('starts each window its length before now', () => {
    expect(windowStarts(limits, now)).toEqual({
      phoneSince: secondsAgo(HOUR),
      userSince: secondsAgo(DAY),
      ipSince: secondsAgo(HOUR),
    });
  });

  it('counts whole seconds up to a future instant', () => {
    expect(secondsUntil(now.getTime() + 1500, now)).toBe(2);
    expect(secondsUntil(now.getTime() - 1500, now)).toBe(1);
  });
});
