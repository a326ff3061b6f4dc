import { AppConfig } from '../../config/app-config';

export interface SparrowCredentials {
  baseUrl: string;
  token: string;
  from: string;
  timeoutMs: number;
}

/** Config validation requires both with SMS_GATEWAY=sparrow; this keeps a bad wiring from booting. */
export function sparrowCredentials(config: AppConfig): SparrowCredentials {
  const { baseUrl, token, from, timeoutMs } = config.sms.sparrow;
  if (!token || !from) {
    throw new Error('SPARROW_TOKEN and SPARROW_FROM are required for the Sparrow SMS gateway');
  }
  return { baseUrl, token, from, timeoutMs };
}
