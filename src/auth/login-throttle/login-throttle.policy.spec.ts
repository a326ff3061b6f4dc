import { createHash, createHmac } from 'node:crypto';
import {
  LoginThrottlePolicy,
  loginRetryAfterSeconds,
  throttleUsernameKey,
  usernameKeySecret,
  windowStart,
} from './login-throttle.policy';

const policy: LoginThrottlePolicy = { maxFailures: 10, windowSeconds: 900 };
const now = new Date('2026-11-22T10:00:00.000Z');
const secondsAgo = (seconds: number) => new Date(now.getTime() - seconds * 1000);
/** Failures newest first, as the service reads them. */
const failuresAt = (...ages: number[]) => ages.map(secondsAgo);

describe('loginRetryAfterSeconds', () => {
  it('allows an attempt below the limit', () => {
    expect(loginRetryAfterSeconds([], now, policy)).toBeNull();
    expect(loginRetryAfterSeconds(failuresAt(0, 0, 0, 0, 0, 0, 0, 0, 0), now, policy)).toBeNull();
  });

  it('refuses the attempt after the tenth failure for the whole window when all were just now', () => {
    expect(loginRetryAfterSeconds(failuresAt(...Array(10).fill(0)), now, policy)).toBe(900);
  });

  it('waits until the oldest counted failure leaves the window', () => {
    // five failures 300 s ago, five just now: the older five leave in 600 s
    const failures = failuresAt(0, 0, 0, 0, 0, 300, 300, 300, 300, 300);
    expect(loginRetryAfterSeconds(failures, now, policy)).toBe(600);
  });

  it('counts from the tenth newest when concurrency let more than ten in', () => {
    const failures = failuresAt(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 899);
    expect(loginRetryAfterSeconds(failures, now, policy)).toBe(900 - 90);
  });

  it('rounds a partial second up, and never answers 0 while refusing', () => {
    const failures = [...failuresAt(0, 0, 0, 0, 0, 0, 0, 0, 0), secondsAgo(899.001)];
    expect(loginRetryAfterSeconds(failures, now, policy)).toBe(1);
    const almost = [...failuresAt(0, 0, 0, 0, 0, 0, 0, 0, 0), secondsAgo(100.5)];
    expect(loginRetryAfterSeconds(almost, now, policy)).toBe(800);
  });

  it('allows the attempt once the blocking failure is exactly a window old', () => {
    const failures = [...failuresAt(0, 0, 0, 0, 0, 0, 0, 0, 0), secondsAgo(900)];
    expect(loginRetryAfterSeconds(failures, now, policy)).toBeNull();
  });

  it('follows the configured limit', () => {
    const strict: LoginThrottlePolicy = { maxFailures: 3, windowSeconds: 60 };
    expect(loginRetryAfterSeconds(failuresAt(5, 10), now, strict)).toBeNull();
    expect(loginRetryAfterSeconds(failuresAt(5, 10, 15), now, strict)).toBe(45);
  });
});

describe('windowStart', () => {
  it('is the window length before now', () => {
    expect(windowStart(now, policy).toISOString()).toBe('2026-11-22T09:45:00.000Z');
  });
});

describe('throttleUsernameKey', () => {
  const key = usernameKeySecret('o'.repeat(32));

  it('is one key for every letter case of a username', () => {
    expect(throttleUsernameKey('Ram', key)).toBe(throttleUsernameKey('rAM', key));
    expect(throttleUsernameKey('ram', key)).not.toBe(throttleUsernameKey('sita', key));
  });

  it('stores no plain text and fits any input in 64 hex characters', () => {
    const stored = throttleUsernameKey('my secret password\u0000typed here', key);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain('secret');
  });

  // Found in the review of issue 14: the key was a bare SHA-256, so a password typed into the
  // username field could be found again by hashing guesses against a copy of login_failures.
  it('cannot be recomputed from the username alone: it is an HMAC under a server key', () => {
    const typedPassword = 'correct horse battery staple';
    const bareHash = createHash('sha256').update(typedPassword, 'utf8').digest('hex');
    expect(throttleUsernameKey(typedPassword, key)).not.toBe(bareHash);
    expect(throttleUsernameKey(typedPassword, key)).toBe(
      createHmac('sha256', key).update(typedPassword, 'utf8').digest('hex'),
    );
    const otherServer = usernameKeySecret('p'.repeat(32));
    expect(throttleUsernameKey(typedPassword, otherServer)).not.toBe(
      throttleUsernameKey(typedPassword, key),
    );
  });

  it('derives its key from the secret, not the secret itself (one key, one purpose)', () => {
    const secret = 'o'.repeat(32);
    expect(usernameKeySecret(secret)).toHaveLength(32);
    expect(usernameKeySecret(secret).equals(Buffer.from(secret))).toBe(false);
    expect(usernameKeySecret(secret).equals(usernameKeySecret(secret))).toBe(true);
  });
});
