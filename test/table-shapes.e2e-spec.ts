import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { LoginFailure } from '../src/auth/login-throttle/login-failure.entity';
import { RefreshToken } from '../src/auth/refresh-tokens/refresh-token.entity';
import { dataSourceOptions } from '../src/database/data-source';
import { Database } from '../src/database/database';
import { tableOf } from '../src/database/table';
import { PhoneVerification } from '../src/phone-verification/phone-verification.entity';
import { SmsDailyUsage } from '../src/sms/delivery-log/sms-daily-usage.entity';
import { SmsMessage } from '../src/sms/delivery-log/sms-message.entity';
import { User } from '../src/users/user.entity';
import { SendRefusalCount } from '../src/metrics/send-refusals/send-refusal-count.entity';
import { PhoneBlock } from '../src/fraud/phone-block.entity';
import { AllowlistEntry } from '../src/fraud/allowlist-entry.entity';
import { createTestDatabase, TestDatabase } from './support/test-database';

/**
 * A row shape is written once, in its entity: repositories select `tableOf(Entity).select` and
 * read rows as the entity type. Here each entity's shape is held against the migrated schema,
 * column for column, and a selected row has exactly the entity's properties.
 */
describe('row shapes come from the entities and match the migrated tables (real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(
      dataSourceOptions({ url: database.url, poolSize: 2, dataDir: 'unused' }),
    );
    await dataSource.initialize();
    db = new Database((dataSource.driver as PostgresDriver).master as Pool);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it.each([
    ['users', User],
    ['refresh_tokens', RefreshToken],
    ['login_failures', LoginFailure],
    ['phone_verifications', PhoneVerification],
    ['sms_messages', SmsMessage],
    ['sms_daily_usage', SmsDailyUsage],
    ['send_refusal_counts', SendRefusalCount],
    ['phone_blocks', PhoneBlock],
    ['phone_allowlist', AllowlistEntry],
  ] as const)('%s', async (name, entity) => {
    const table = tableOf<object>(entity);
    expect(table.name).toBe(name);
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = $1 ORDER BY column_name`,
      [name],
    );
    expect([...table.columnNames].sort()).toEqual(rows.map((row) => row.column_name));
    // the select list runs, and names every column after its entity property
    const pool = (dataSource.driver as PostgresDriver).master as Pool;
    const { fields } = await pool.query(`SELECT ${table.select} FROM ${table.name} WHERE false`);
    expect(fields.map((field) => field.name)).toEqual(table.propertyNames);
  });
});
