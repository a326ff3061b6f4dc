import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { uniqueUsername } from './test-values';

export { uniqueUsername } from './test-values';

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
