import { randomBytes } from 'node:crypto';
import {
  createAppDataSource,
  dataSourceOptions,
  runPendingMigrations,
} from '../../src/database/data-source';
import { databaseUrl, SERVER_URL, templateName, withServer } from './test-database';

/** Creates this run's migrated template database; every test file clones it. */
export default async function globalSetup(): Promise<void> {
  process.env.PV_TEST_RUN_ID = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  try {
    await withServer((client) => client.query('SELECT 1'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `No PostgreSQL answers at ${redact(SERVER_URL)} (${reason}). Start it, or set TEST_DATABASE_URL. ` +
        'The tests need a real PostgreSQL and do not skip without one.',
      { cause: error },
    );
  }
  const template = templateName();
  await withServer((client) => client.query(`CREATE DATABASE "${template}"`));
  const dataSource = await createAppDataSource(
    dataSourceOptions({ url: databaseUrl(template), poolSize: 1, dataDir: '' }),
  );
  await dataSource.initialize();
  try {
    await runPendingMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
