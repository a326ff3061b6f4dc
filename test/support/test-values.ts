import { randomBytes } from 'node:crypto';

/** A username no other test (or parallel worker) will pick: 3–30 of A-Z a-z 0-9 _ . - */
export function uniqueUsername(prefix = 'user'): string {
  return `${prefix.slice(0, 15)}_${randomBytes(6).toString('hex')}`;
}

/** Nepali mobile numbers that are unique within a test run: NTC (984…) by default. */
let next = 0;
export function uniquePhone(prefix = '984'): string {
  next += 1;
  const tail = String((process.pid * 1000 + next) % 10_000_000).padStart(7, '0');
  return `${prefix}${tail}`;
}

export function e164(national: string): string {
  return `+977${national}`;
}

/** A code of the right length that is not `code`. */
export function wrongCode(code: string): string {
  return code
    .split('')
    .map((digit) => String((Number(digit) + 1) % 10))
    .join('');
}

/**
 * A client IP no other call of this test file uses (from the documentation ranges
 * 198.51.100.0/24 and onwards), so per-IP counts of one test leave the others alone.
 */
let nextIp = 0;
export function uniqueIp(): string {
  nextIp += 1;
  return `198.51.${100 + Math.floor(nextIp / 250)}.${1 + (nextIp % 250)}`;
}
