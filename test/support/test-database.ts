import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Each test run gets its own databases on the PostgreSQL server named by TEST_DATABASE_URL:
 * a template migrated once per run (global setup), and a clone of it per test file. Nothing here
 * touches a database whose name does not contain "test".
 */
export const SERVER_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(
      `Refusing to touch database "${name}": test databases must have "test" in their name.`,
    );
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export function runPrefix(): string {
  const runId = process.env.PV_TEST_RUN_ID;
  if (!runId)
    throw new Error(
      'PV_TEST_RUN_ID is not set: run the tests with `npm test` (jest global setup).',
    );
  return `pv_test_${runId}`;
}

export function templateName(): string {
  return `${runPrefix()}_template`;
}

/** Runs `work` with a client on the server's maintenance database. */
export async function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh, migrated database cloned from this run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  // the module registry (and so `counter`) is per test file, the process is per worker: the
  // random part keeps two files of one worker apart even when one leaves its database behind
  const name = `${runPrefix()}_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
  assertTestDatabaseName(name);
  await withServer((client) =>
    client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName()}"`),
  );
  return {
    name,
    url: databaseUrl(name),
    drop: () => dropDatabase(name),
  };
}

export async function dropDatabase(name: string): Promise<void> {
  assertTestDatabaseName(name);
  await withServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
