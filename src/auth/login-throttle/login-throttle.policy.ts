import { createHmac, hkdfSync } from 'node:crypto';

/** How many failed logins one username may have from one client IP within a sliding window. */
export interface LoginThrottlePolicy {
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

const USERNAME_KEY_INFO = 'phone-verify/login-throttle/username-key/v1';

/**
 * The key of the username HMAC, derived (HKDF-SHA256) from OTP_HMAC_SECRET: the secret that
 * already keys what the database stores about people, so a copy of the database alone reveals
 * neither codes nor usernames. Derived rather than used as is, so the two uses never share a key.
 * Rotating OTP_HMAC_SECRET makes the failures counted so far stop matching: the throttle starts
 * afresh for at most LOGIN_FAILURE_WINDOW_SECONDS.
 */
export function usernameKeySecret(otpHmacSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', otpHmacSecret, Buffer.alloc(0), USERNAME_KEY_INFO, 32));
}

/**
 * Usernames are one account in any letter case, so they are one throttling key too. Stored as an
 * HMAC under a server key: what people type into a username field is sometimes their password,
 * and a bare hash of it could be found again by hashing guesses against a copy of
 * login_failures. Any string (even one PostgreSQL cannot store) becomes 64 hex characters.
 */
export function throttleUsernameKey(username: string, key: Buffer): string {
  return createHmac('sha256', key).update(username.toLowerCase(), 'utf8').digest('hex');
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
