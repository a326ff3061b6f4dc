import { hash } from '@node-rs/argon2';
import type { Client } from 'pg';
import { ARGON2_OPTIONS } from '../src/auth/passwords';
import { mintAccessToken } from './tokens';

/**
 * The benchmark's users and phone numbers.
 *
 * Users are inserted straight into `users` in SQL, all with one argon2id hash computed once with
 * the app's own parameters, and their access tokens are minted here with the JWT secret the
 * harness gave the app (see tokens.ts). Registering thousands of users through
 * POST /v1/auth/register would spend minutes in argon2, which is slow on purpose and is on
 * neither of the measured paths. No benchmarked route reads the password hash.
 */

export interface BenchUser {
  readonly index: number;
  readonly id: string;
  readonly token: string;
  /** This simulated client's address, sent as X-Forwarded-For (the app runs with TRUST_PROXY). */
  readonly ip: string;
}

export interface TokenSettings {
  readonly jwtSecret: string;
  readonly accessTtlSeconds: number;
}

const INSERT_CHUNK = 20_000;

export class UserPool {
  readonly users: BenchUser[] = [];
  private passwordHash?: string;

  constructor(
    private readonly client: Client,
    /** Distinguishes this run's usernames from earlier runs' on a reused database. */
    private readonly tag: string,
    private readonly tokens: TokenSettings,
  ) {}

  get size(): number {
    return this.users.length;
  }

  /** Makes sure at least `count` users exist; inserts the missing ones in chunks. */
  async ensure(count: number): Promise<void> {
    this.passwordHash ??= await hash('bench-password-not-used', ARGON2_OPTIONS);
    while (this.users.length < count) {
      const from = this.users.length;
      const to = Math.min(count, from + INSERT_CHUNK) - 1;
      const { rows } = await this.client.query<{ id: string; n: number }>(
        `INSERT INTO users (username, password_hash)
         SELECT $1 || n, $2 FROM generate_series($3::int, $4::int) AS n
         RETURNING id, substring(username from length($1) + 1)::int AS n`,
        [`b${this.tag}_`, this.passwordHash, from, to],
      );
      rows.sort((a, b) => a.n - b.n);
      const now = Math.floor(Date.now() / 1000);
      for (const row of rows) {
        this.users.push({
          index: row.n,
          id: row.id,
          token: mintAccessToken(this.tokens.jwtSecret, row.id, this.tokens.accessTtlSeconds, now),
          ip: clientIp(row.n),
        });
      }
    }
  }
}

/** A distinct private IPv4 address per simulated client (up to 16 million). */
export function clientIp(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * Fresh NTC mobile numbers (+977 984xxxxxxx), never used before on this database: numbering
 * starts after the highest one any earlier run left in `phone_verifications`. Consecutive numbers
 * differ in their prefix (the digits the fraud guard counts by, docs/api.md "Fraud guard"), so the
 * run's SMS spread over a thousand prefixes as real sign-ups do, instead of piling thousands into
 * one prefix's hour, which no real traffic does and the guard would block.
 */
export class PhoneNumbers {
  private constructor(private next: number) {}

  static async after(client: Client): Promise<PhoneNumbers> {
    // the inverse of take(): +977 984 ppp ssss was number ssss * 1000 + ppp
    const { rows } = await client.query<{ max: number | null }>(
      `SELECT max(substr(phone, 11, 4)::int * 1000 + substr(phone, 8, 3)::int) AS max
         FROM phone_verifications WHERE phone ~ '^\\+977984[0-9]{7}$'`,
    );
    return new PhoneNumbers((rows[0]?.max ?? -1) + 1);
  }

  /** The next number, as a user would type it (national format). */
  take(): string {
    const n = this.next++;
    if (n >= 10_000_000) throw new Error('the 984 number range is used up on this database');
    const prefix = String(n % 1000).padStart(3, '0');
    const subscriber = String(Math.floor(n / 1000)).padStart(4, '0');
    return `984${prefix}${subscriber}`;
  }
}

/** The E.164 form the app answers with, for a national number from PhoneNumbers. */
export function e164(national: string): string {
  return `+977${national}`;
}
