/** What the Sparrow adapter needs, from config (SPARROW_*). */
export interface SparrowOptions {
  /** e.g. `https://api.sparrowsms.com`, without a trailing slash. */
  baseUrl: string;
  token: string;
  /** The sender identity Sparrow approved for the account. */
  from: string;
  /** The bound on one whole exchange with Sparrow. */
  timeoutMs: number;
  /** Warn when the credit balance is below this (SPARROW_CREDIT_WARN_THRESHOLD); never when unset. */
  creditWarnBelow?: number;
}

/** Config validation checks these too; this keeps a bad wiring from booting. */
export function checkedSparrowOptions(options: SparrowOptions): SparrowOptions {
  if (!options.token || !options.from) {
    throw new Error('SPARROW_TOKEN and SPARROW_FROM are required for the Sparrow SMS gateway');
  }
  if (!/^https?:\/\/[^/]/.test(options.baseUrl)) {
    throw new Error('SPARROW_BASE_URL must be an http(s) URL');
  }
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new Error('The Sparrow timeout must be a positive number of milliseconds');
  }
  return { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
}
