import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { Client } from 'pg';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { DomainError } from '../../src/common/errors/domain-error';
import { LogDestination } from '../../src/common/logging/logging.module';
import { AppConfig } from '../../src/config/app-config';
import { loadConfiguration } from '../../src/configuration';
import { SmsGateways } from '../../src/sms/sms.module';
import { FakeSmsGateway } from '../fakes/fake-sms-gateway';
import { FRAUD_GUARD_OFF } from './fraud-guard-off';
import { FakeClock } from './fake-clock';
import { CapturedLogs } from './log-capture';
import { createTestDatabase, TestDatabase } from './test-database';

export interface ServiceTierOptions {
  /** Environment variables as an operator would set them; merged over the test defaults. */
  env?: Record<string, string>;
  clock?: FakeClock;
}

/**
 * The real modules wired as the app wires them (repositories, `Database`, config), on a
 * PostgreSQL database of their own, without HTTP: tests call the services. Only the SMS gateway
 * and the clock are fakes.
 */
export interface ServiceTier {
  readonly config: AppConfig;
  readonly clock: FakeClock;
  readonly sms: FakeSmsGateway;
  readonly logs: CapturedLogs;
  readonly database: TestDatabase;
  /** A provider of the module, e.g. `get(PhoneVerificationService)`. */
  get<T>(type: abstract new (...args: never[]) => T): T;
  /**
   * A connection of the test's own to the same database, outside the services' pool: to read
   * rows, hold locks, install faults. Closed with the tier.
   */
  connect(): Promise<Client>;
  close(): Promise<void>;
}

/** Boots AppModule's providers on a fresh clone of the migrated template database. */
export async function createServiceTier(options: ServiceTierOptions = {}): Promise<ServiceTier> {
  const database = await createTestDatabase();
  const config = loadConfiguration({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: 'info',
    ...FRAUD_GUARD_OFF,
    ...options.env,
  });
  const clock = options.clock ?? new FakeClock();
  const sms = new FakeSmsGateway();
  const logs = new CapturedLogs();
  const clients: Client[] = [];
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(AppConfig)
      .useValue(config)
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(SmsGateways)
      .useValue(new SmsGateways([sms]))
      .overrideProvider(LogDestination)
      .useValue(logs)
      .compile();
    // the services' `new Logger(...)` lines go where the app sends them: here, to `logs`
    moduleRef.useLogger(moduleRef.get(Logger));
    await moduleRef.init();
    return {
      config,
      clock,
      sms,
      logs,
      database,
      get: (type) => moduleRef.get(type),
      connect: async () => {
        const client = new Client({ connectionString: database.url });
        await client.connect();
        clients.push(client);
        return client;
      },
      close: async () => {
        await Promise.all(clients.map((client) => client.end()));
        await moduleRef.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** The DomainError a service call was rejected with; fails the test if it resolved or threw another error. */
export async function rejection(call: Promise<unknown>): Promise<DomainError> {
  const error = await call.then(
    () => new Error('expected the call to be rejected, but it succeeded'),
    (reason: unknown) => reason,
  );
  if (!(error instanceof DomainError)) throw error;
  return error;
}
