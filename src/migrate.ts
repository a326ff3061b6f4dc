import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createProcessLogger } from './common/logging/process-logger';
import { parseEnvironment } from './config/environment';
import {
  createAppDataSource,
  dataSourceOptions,
  runPendingMigrations,
} from './database/data-source';

/**
 * `npm run migrate` (`node dist/src/migrate.js`): applies pending migrations from the built code
 * (no build, no devDependencies) and logs, as JSON lines, what it applied. The same migrations,
 * under the same lock, as an instance applies at start with DB_MIGRATE_ON_BOOT=true, so it is safe
 * while instances run or start. Reads only the database variables (and `.env`, as the service
 * does), so it runs with the service's environment or with DATABASE_URL alone.
 */
const DATABASE_VARIABLES = new Set(['DATABASE_URL', 'DATABASE_POOL_SIZE', 'DATA_DIR']);

if (existsSync('.env')) process.loadEnvFile('.env'); // variables already set win, as with the service
const logger = createProcessLogger(process.env);

/** A problem with the input, reported as one line without a stack. */
class MigrateRefusal extends Error {}

async function migrate(): Promise<void> {
  const { environment, problems } = parseEnvironment(process.env);
  const relevant = problems.filter((p) => DATABASE_VARIABLES.has(p.variable));
  if (relevant.length > 0) {
    const list = relevant.map((p) => `${p.variable}: ${p.problem}`).join('; ');
    throw new MigrateRefusal(`Invalid configuration: ${list}`);
  }
  if (!environment.DATABASE_URL) {
    // PGlite is one process: a second one opening DATA_DIR beside the running service would break it
    throw new MigrateRefusal(
      'DATABASE_URL is not set: the embedded database is migrated by the service when it starts',
    );
  }
  const dataSource = await createAppDataSource(
    dataSourceOptions({
      url: environment.DATABASE_URL,
      poolSize: 1,
      dataDir: environment.DATA_DIR,
    }),
  );
  await dataSource.initialize();
  try {
    await runPendingMigrations(dataSource, (fields, message) => logger.info(fields, message));
  } finally {
    await dataSource.destroy();
  }
}

migrate().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    logger.fatal(
      error instanceof MigrateRefusal ? {} : { err: error },
      `Migration failed: ${message}`,
    );
    process.exit(1);
  },
);
