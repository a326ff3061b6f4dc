import type { MigrationInterface } from 'typeorm';
import { CreateUsers1795300000000 } from './1795300000000-CreateUsers';
import { CreateAuthTables1795300060000 } from './1795300060000-CreateAuthTables';
import { CreatePhoneVerifications1795400000000 } from './1795400000000-CreatePhoneVerifications';
import { CreateSmsDeliveryLog1795400060000 } from './1795400060000-CreateSmsDeliveryLog';
import { TakeSmsBudgetAtCommit1795500000000 } from './1795500000000-TakeSmsBudgetAtCommit';
import { RecordGatewayOutcomes1796000000000 } from './1796000000000-RecordGatewayOutcomes';
import { CreateConsoleTables1796300000000 } from './1796300000000-CreateConsoleTables';
import { IndexStatistics1796300060000 } from './1796300060000-IndexStatistics';
import { CreateFraudGuard1796400000000 } from './1796400000000-CreateFraudGuard';
import { DeriveKeysOfOlderReleases1796500000000 } from './1796500000000-DeriveKeysOfOlderReleases';
import { DecideSendsInTwoRoundTrips1796600000000 } from './1796600000000-DecideSendsInTwoRoundTrips';

/**
 * Every migration, oldest first. The app and the TypeORM CLI both read this list, so a migration
 * file that is not listed here never runs (and `migration:generate --check` in CI notices).
 */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  CreateUsers1795300000000,
  CreateAuthTables1795300060000,
  CreatePhoneVerifications1795400000000,
  CreateSmsDeliveryLog1795400060000,
  TakeSmsBudgetAtCommit1795500000000,
  RecordGatewayOutcomes1796000000000,
  CreateConsoleTables1796300000000,
  IndexStatistics1796300060000,
  CreateFraudGuard1796400000000,
  DeriveKeysOfOlderReleases1796500000000,
  DecideSendsInTwoRoundTrips1796600000000,
];
