import request from 'supertest';
import { registerUser, RegisteredUser } from '../../support/accounts';
import { createTestApp, TestApp, TestAppOptions } from '../../support/test-app';

/** The operator every console suite logs in as; ADMIN_USERNAMES names it in another letter case. */
export const ADMIN_USERNAME = 'Console_Admin';

export interface ConsoleApp {
  readonly t: TestApp;
  /** Named in ADMIN_USERNAMES. */
  readonly admin: RegisteredUser;
  /** Any other account. */
  readonly member: RegisteredUser;
}

/** An app whose ADMIN_USERNAMES names one registered account, and a second account that is not. */
export async function createConsoleApp(options: TestAppOptions = {}): Promise<ConsoleApp> {
  const t = await createTestApp({
    ...options,
    env: { ADMIN_USERNAMES: ` someone_else , ${ADMIN_USERNAME.toLowerCase()} `, ...options.env },
  });
  try {
    const admin = await registerUser(t.url, { username: ADMIN_USERNAME });
    const member = await registerUser(t.url);
    return { t, admin, member };
  } catch (error) {
    await t.close();
    throw error;
  }
}

export function asUser(t: TestApp, user: RegisteredUser) {
  const auth = (test: request.Test) => test.set('authorization', `Bearer ${user.accessToken}`);
  return {
    get: (path: string) => auth(request(t.url).get(path)),
    post: (path: string, body: object) => auth(request(t.url).post(path).send(body)),
    delete: (path: string) => auth(request(t.url).delete(path)),
  };
}
