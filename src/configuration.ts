import { AppConfig, ConfigCheck, loadAppConfig } from './config/app-config';
import { allowedOperatorsCheck } from './phone-verification/phone-verification.config';
import { gatewayUrlCheck } from './sms/gateway-url.config';
import { otpMessageCheck, testNumbersCheck } from './sms/sms.config';

/** The rules of each feature module about its own variables, run with the schema's. */
const FEATURE_CHECKS: readonly ConfigCheck[] = [
  allowedOperatorsCheck,
  otpMessageCheck,
  testNumbersCheck,
  gatewayUrlCheck,
];

/** The service's configuration from raw environment variables: what main, the CLI and tests use. */
export function loadConfiguration(raw: Record<string, string | undefined>): AppConfig {
  return loadAppConfig(raw, FEATURE_CHECKS);
}
