import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { Clock } from '../../src/common/clock';
import { LogDestination } from '../../src/common/logging/logging.module';
import { AppConfig } from '../../src/config/app-config';
import { loadConfiguration } from '../../src/configuration';
import { Database } from '../../src/database/database';
import { SmsGateways } from '../../src/sms/sms.module';
import { FakeSmsGateway } from '../fakes/fake-sms-gateway';
import { FakeClock } from './fake-clock';
import { CapturedLogs } from './log-capture';
import { FRAUD_GUARD_OFF } from './fraud-guard-off';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestAppOptions {
  /** Environment variables as an operator would set them; merged over the test defaults. */
  env?: Record<string, string>;
  /** Share one database between several app instances; by default each app gets its own. */
  database?: TestDatabase;
  clock?: FakeClock;
  /** Keep the SMS_GATEWAY adapter (e.g. Sparrow against FakeSparrowServer) instead of FakeSmsGateway. */
  realSmsGateway?: boolean;
  /** Sees every response the app sends (test/support/openapi-conformance.ts), from the first. */
  recorder?: { attach(app: NestFastifyApplication): void };
  /** Further provider overrides. */
  customise?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

export interface TestApp {
  readonly app: NestFastifyApplication;
  /** http://127.0.0.1:<port>: the app listens on a real socket, so parallel requests are real. */
  readonly url: string;
  readonly config: AppConfig;
  readonly clock: FakeClock;
  readonly logs: CapturedLogs;
  /** The in-memory SMS gateway; throws on access when the app uses `realSmsGateway`. */
  readonly sms: FakeSmsGateway;
  /** The cloned PostgreSQL database; undefined for an app on the embedded database. */
  readonly database: TestDatabase | undefined;
  readonly dataSource: DataSource;
  /** The app's own database port: for transactions in service-level tests. */
  readonly db: Database;
  close(): Promise<void>;
}

/** The whole AppModule against a real PostgreSQL; only the clock and the SMS gateway faked. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = !options.database;
  // the configuration first: a test of a refused start-up must leave no database behind
  const environment = (url: string) => ({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: 'info',
    // every test client is 127.0.0.1: suites that test the per-IP auth limit set their own
    AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    ...FRAUD_GUARD_OFF,
    ...options.env,
  });
  loadConfiguration(environment('postgres://unused@127.0.0.1/pv_config_check_test'));
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfiguration(environment(database.url));
  return bootTestApp(config, options, database, ownsDatabase ? () => database.drop() : undefined);
}

/** The whole AppModule on the embedded PostgreSQL (PGlite) under `dataDir`, as `npm start` runs it. */
export async function createEmbeddedTestApp(
  dataDir: string,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const config = loadConfiguration({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: '1000000', // as above
    ...FRAUD_GUARD_OFF,
    ...options.env,
  });
  return bootTestApp(config, options, undefined, undefined);
}

async function bootTestApp(
  config: AppConfig,
  options: TestAppOptions,
  database: TestDatabase | undefined,
  dropDatabase: (() => Promise<void>) | undefined,
): Promise<TestApp> {
  const clock = options.clock ?? new FakeClock();
  const logs = new CapturedLogs();
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(Clock)
    .useValue(clock)
    .overrideProvider(LogDestination)
    .useValue(logs);
  const sms = options.realSmsGateway ? undefined : new FakeSmsGateway();
  if (sms) builder = builder.overrideProvider(SmsGateways).useValue(new SmsGateways([sms]));
  if (options.customise) builder = options.customise(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
    bufferLogs: true,
  });
  await configureApp(app);
  options.recorder?.attach(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('test app did not bind a TCP port');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    config,
    clock,
    logs,
    get sms(): FakeSmsGateway {
      if (!sms)
        throw new Error('This test app sends through its real SMS gateway (realSmsGateway)');
      return sms;
    },
    database,
    dataSource: app.get(DataSource),
    db: app.get(Database),
    close: async () => {
      await app.close();
      await dropDatabase?.();
    },
  };
}
