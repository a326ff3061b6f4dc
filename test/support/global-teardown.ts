import { assertTestDatabaseName, runPrefix, withServer } from './test-database';

/** Drops every database this run created, including ones a crashed test file left behind. */
export default async function globalTeardown(): Promise<void> {
  const prefix = runPrefix();
  await withServer(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) {
      assertTestDatabaseName(datname);
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}
