import { Client } from 'pg';
import { createTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

const WARNING = 'ADMIN_USERNAMES names an account that does not exist';

// Out-of-request logs go to the first app a test file boots (nestjs-pino keeps one root logger
// per process), so this file boots exactly one.
describe('names in ADMIN_USERNAMES without an account', () => {
  it('are named in a warning at start-up, since whoever registers one becomes an admin', async () => {
    const database = await createTestDatabase();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query(
      `INSERT INTO users (username, password_hash) VALUES ('Console_Admin', 'not-a-hash')`,
    );
    await client.end();
    const t = await createTestApp({
      database,
      env: { ADMIN_USERNAMES: 'console_admin,Someone_Else' },
    });
    try {
      const warned = t.logs
        .parsed()
        .filter((line) => String(line.msg).startsWith(WARNING))
        .map((line) => [line.level, line.username]);
      expect(warned).toEqual([[40, 'someone_else']]);
    } finally {
      await t.close();
      await database.drop();
    }
  });
});
