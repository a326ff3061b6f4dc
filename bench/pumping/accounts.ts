import { hash } from '@node-rs/argon2';
import type { Pool } from 'pg';
import { ARGON2_OPTIONS } from '../../src/auth/passwords';
import { clientNetwork } from '../../src/common/http/ip-keys';
import { mintAccessToken } from '../tokens';
import type { Caller } from './client';

/**
 * Accounts, registered at the moment their owner first needs one: a row in `users` as
 * POST /v1/auth/register writes it (the client network it registered from included, which the
 * guard's risky rule counts), and an access token minted with the app's JWT secret. As in the
 * benchmark (bench/fixtures.ts), one argon2id hash serves every account: hundreds of argon2
 * registrations would eat the machine's CPU, and no route the simulation calls reads the hash.
 */
export class Accounts {
  private passwordHash?: Promise<string>;
  private readonly registered = new Map<string, Promise<Caller>>();
  /** Accounts registered so far. */
  count = 0;

  constructor(
    private readonly database: Pool,
    private readonly jwtSecret: string,
    private readonly accessTtlSeconds: number,
  ) {}

  /** The account `key` (registered on first use, from `ip`). */
  caller(key: string, ip: string): Promise<Caller> {
    let caller = this.registered.get(key);
    if (!caller) {
      caller = this.register(key, ip);
      this.registered.set(key, caller);
    }
    return caller;
  }

  private async register(key: string, ip: string): Promise<Caller> {
    this.passwordHash ??= hash('simulated-password-not-used', ARGON2_OPTIONS);
    const { rows } = await this.database.query<{ id: string }>(
      `INSERT INTO users (username, password_hash, registration_network)
       VALUES ($1, $2, $3) RETURNING id`,
      [`sim_${key}`, await this.passwordHash, clientNetwork(ip)],
    );
    this.count += 1;
    return { token: mintAccessToken(this.jwtSecret, rows[0].id, this.accessTtlSeconds), ip };
  }
}
