import { randomBytes } from 'node:crypto';
import request from 'supertest';

export interface RegisteredUser {
  id: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface NewAccount {
  username?: string;
  password?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

/** A username no other test (or parallel worker) will pick: 3–30 of A-Z a-z 0-9 _ . - */
export function uniqueUsername(prefix = 'user'): string {
  return `${prefix.slice(0, 15)}_${randomBytes(6).toString('hex')}`;
}

/** Registers an account over HTTP and returns its credentials and first token pair. */
export async function registerUser(
  baseUrl: string,
  overrides: NewAccount = {},
): Promise<RegisteredUser> {
  const body = {
    username: uniqueUsername(),
    password: `pw-${randomBytes(9).toString('base64url')}`,
    ...overrides,
  };
  const res = await request(baseUrl).post('/v1/auth/register').send(body);
  if (res.status !== 201) {
    throw new Error(`registerUser: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return {
    id: res.body.user.id,
    username: body.username,
    password: body.password,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}
