import { createHash } from 'node:crypto';

/** How many failed logins one username may have from one client IP within a sliding window. */
export interface LoginThrottlePolicy {
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

/**
 * Usernames are one account in any letter case, so they are one throttling key too. Stored
 * hashed: what people type into a username field is sometimes their password, and any string
 * (even one PostgreSQL cannot store) becomes a fixed-size key.
 */
export function throttleUsernameKey(username: string): string {
  return createHash('sha256').update(username.toLowerCase(), 'utf8').digest('hex');
}

export function windowStart(now: Date, policy: LoginThrottlePolicy): Date {
  return new Date(now.getTime() - policy.windowSeconds * 1000);
}

/**
 * Seconds until another attempt is allowed, or null when one is allowed now.
 *
 * `recentFailures` are the failures still inside the window, newest first, at least the
 * `maxFailures` newest of them. With that many, the attempt is refused until the oldest of those
 * newest `maxFailures` leaves the window: only then are fewer than `maxFailures` left in it.
 */
export function loginRetryAfterSeconds(
  recentFailures: readonly Date[],
  now: Date,
  policy: LoginThrottlePolicy,
): number | null {
  if (recentFailures.length < policy.maxFailures) return null;
  const blocking = recentFailures[policy.maxFailures - 1];
  const leavesWindowAt = blocking.getTime() + policy.windowSeconds * 1000;
  const waitMs = leavesWindowAt - now.getTime();
  if (waitMs <= 0) return null;
  return Math.max(1, Math.ceil(waitMs / 1000));
}
