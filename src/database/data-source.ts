import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite' with { 'resolution-mode': 'import' };
import { DataSource, MigrationExecutor } from 'typeorm';
import type { PostgresDataSourceOptions as PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { MIGRATIONS } from '../../migrations';
import { DroppingOnTimeoutClient } from './pg-client';

export interface DatabaseSettings {
  /** A postgres:// URL; unset means the embedded PostgreSQL (PGlite) under `dataDir`. */
  readonly url?: string;
  readonly poolSize: number;
  readonly dataDir: string;
}

/** TypeORM options plus, for the embedded database, where it lives. */
export type AppDataSourceOptions = PostgresConnectionOptions & {
  readonly embedded?: { readonly dataDir: string };
};

// A request that needs the database answers 503 well under a client's patience (~2-3 s) when
// the database cannot be reached, whichever way it fails:
// - refused or reset connections fail at once;
// - a new connection that is never answered gives up after CONNECT_TIMEOUT_MS (this also bounds
//   the wait for a free pooled connection);
// - a statement the server runs too long is cancelled after STATEMENT_TIMEOUT_MS: every
//   request-path statement takes milliseconds (no transaction spans the SMS gateway call);
// - a live connection gone silent (a partition) is dropped after QUERY_TIMEOUT_MS
//   (DroppingOnTimeoutClient), and TCP keep-alive probes idle ones after KEEPALIVE_DELAY_MS.
// Migrations run on their own connection without these limits (see runPendingMigrations).
const CONNECT_TIMEOUT_MS = 2000;
const STATEMENT_TIMEOUT_MS = 2000;
const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 500; // past the server's own cancel
const KEEPALIVE_DELAY_MS = 10_000;
const IDLE_TIMEOUT_MS = 30_000;
const MIGRATION_LOCK_KEY = 7_310_482_915; // any constant shared by every instance

export function dataSourceOptions(settings: DatabaseSettings): AppDataSourceOptions {
  const common = {
    type: 'postgres' as const,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // One transaction per migration, as runPendingMigrations runs them at boot, so the CLI
    // (`npm run typeorm -- migration:run`) can run one that must not be in a transaction
    // (CREATE INDEX CONCURRENTLY: migration IndexStatistics).
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    logging: false,
  };
  if (settings.url) {
    return {
      ...common,
      url: settings.url,
      poolSize: settings.poolSize,
      extra: {
        Client: DroppingOnTimeoutClient,
        application_name: 'phone-verify',
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        idleTimeoutMillis: IDLE_TIMEOUT_MS,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        query_timeout: QUERY_TIMEOUT_MS,
        keepAlive: true,
        keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      },
    };
  }
  return { ...common, embedded: { dataDir: settings.dataDir } };
}

/**
 * A DataSource for the options, not yet initialised. For the embedded database this opens PGlite
 * and hands its single session to `pg` through PGlite's own adapter (one connection: PGlite has
 * exactly one session, and transactions serialise on it).
 */
export async function createAppDataSource(options: AppDataSourceOptions): Promise<DataSource> {
  const { embedded, ...postgres } = options;
  if (!embedded) return new DataSource(postgres);
  const pglite = await openEmbeddedPostgres(embedded.dataDir);
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  return new EmbeddedDataSource(
    {
      ...postgres,
      poolSize: 1,
      extra: { ...createPgConfig(pglite), idleTimeoutMillis: 0, connectionTimeoutMillis: 10_000 },
    },
    pglite,
  );
}

async function openEmbeddedPostgres(dataDir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir.startsWith('memory://')) return PGlite.create(dataDir);
  const directory = resolve(dataDir);
  mkdirSync(directory, { recursive: true });
  return PGlite.create(directory);
}

/** `pool.end()` does not close PGlite; closing the data source must. */
class EmbeddedDataSource extends DataSource {
  constructor(
    options: PostgresConnectionOptions,
    private readonly pglite: PGlite,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      if (!this.pglite.closed) await this.pglite.close();
    }
  }
}

/** Where the migrations say what they apply: the app's logger at boot, `npm run migrate`'s. */
export type MigrationLog = (fields: Record<string, unknown>, message: string) => void;

/**
 * Applies pending migrations on one connection holding a session advisory lock, so instances
 * booting together take turns instead of racing to create the same tables. Logs what is pending
 * before it starts (a migration may take minutes) and what it applied; returns the names applied.
 */
export async function runPendingMigrations(
  dataSource: DataSource,
  log: MigrationLog = () => undefined,
): Promise<string[]> {
  const migrator = await openMigrationDataSource(dataSource);
  try {
    return await migrateUnderLock(migrator, log);
  } finally {
    if (migrator !== dataSource) await migrator.destroy();
  }
}

/**
 * A migration may rightly run for minutes (an index on a big table), far past the request-path
 * timeouts: on a PostgreSQL server it gets a connection of its own without them. The embedded
 * database has a single session, which migrations share.
 */
async function openMigrationDataSource(dataSource: DataSource): Promise<DataSource> {
  const options = dataSource.options as PostgresConnectionOptions;
  if (!options.url) return dataSource;
  const migrator = new DataSource({ ...withoutRequestTimeouts(options), poolSize: 1 });
  await migrator.initialize();
  return migrator;
}

/** The options minus the statement and read timeouts meant for requests: for migrations. */
export function withoutRequestTimeouts<T extends PostgresConnectionOptions>(options: T): T {
  return {
    ...options,
    extra: { ...(options.extra as object), statement_timeout: 0, query_timeout: 0 },
  };
}

async function migrateUnderLock(dataSource: DataSource, log: MigrationLog): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      // read under the lock: an instance that waited finds what the first one applied
      const pending = (await executor.getPendingMigrations()).map((m) => m.name);
      if (pending.length === 0) {
        log({ applied: [] }, 'The database schema is up to date: no pending migration');
        return [];
      }
      log({ pending }, `Applying ${pending.length} pending migration(s): ${pending.join(', ')}`);
      const started = Date.now();
      const applied = (await executor.executePendingMigrations()).map((m) => m.name);
      log(
        { applied, durationMs: Date.now() - started },
        `Applied ${applied.length} migration(s): ${applied.join(', ')}`,
      );
      return applied;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
