/**
 * Seeds the database named by DATABASE_URL with a million SMS and their verifications over 30
 * days, for the statistics query (docs/performance.md, "Statistics query on 1 M rows"). It
 * creates the database if it does not exist, migrates it, and replaces what the seeded tables
 * hold, so it refuses any database whose name does not say "stats" or "test".
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/pv_stats npm run seed:stats
 *   SEED_SMS=200000 SEED_DAYS=7 … npm run seed:stats
 */
import { Client } from 'pg';
import {
  createAppDataSource,
  dataSourceOptions,
  runPendingMigrations,
  withoutRequestTimeouts,
} from '../src/database/data-source';
import { seedStatistics } from './stats-seed';

const SEEDED_TABLES = [
  'sms_messages',
  'sms_daily_usage',
  'phone_verifications',
  'send_refusal_counts',
  'phone_blocks',
  'phone_allowlist',
  'refresh_tokens',
  'login_failures',
  'users',
];

export function seedableDatabaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/stats|test/i.test(name)) {
    throw new Error(
      `Refusing to seed database "${name}": its name must contain "stats" or "test", since ` +
        'seeding replaces what its tables hold.',
    );
  }
  return name;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error(
      'Set DATABASE_URL to the database to seed (its name must say "stats" or "test").',
    );
  const name = seedableDatabaseName(url);
  const sms = Number(process.env.SEED_SMS ?? 1_000_000);
  const days = Number(process.env.SEED_DAYS ?? 30);
  if (!Number.isInteger(sms) || sms < 1 || !Number.isInteger(days) || days < 1) {
    throw new Error('SEED_SMS and SEED_DAYS must be positive whole numbers');
  }

  await createDatabaseIfMissing(url, name);
  const dataSource = await createAppDataSource(
    withoutRequestTimeouts(dataSourceOptions({ url, poolSize: 1, dataDir: '' })),
  );
  await dataSource.initialize();
  try {
    await runPendingMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const started = Date.now();
    await client.query(`TRUNCATE ${SEEDED_TABLES.join(', ')}`);
    const counts = await seedStatistics(client, { sms, days, end: new Date() });
    const seeded = Date.now();
    await client.query('VACUUM ANALYZE');
    log(
      `${name}: ${counts.sms} SMS, ${counts.verifications} verifications, ${counts.users} users ` +
        `over ${days} days in ${secondsSince(started, seeded)} s (+ ${secondsSince(seeded, Date.now())} s VACUUM ANALYZE)`,
    );
  } finally {
    await client.end();
  }
}

async function createDatabaseIfMissing(url: string, name: string): Promise<void> {
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

function secondsSince(from: number, to: number): string {
  return ((to - from) / 1000).toFixed(1);
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
