/** What the Aakash adapter needs, from config (AAKASH_*). */
export interface AakashOptions {
  /** e.g. `https://sms.aakashsms.com`, without a trailing slash. */
  baseUrl: string;
  /** The account's auth token. */
  token: string;
  /** The bound on one whole exchange with Aakash. */
  timeoutMs: number;
}

/** Config validation checks these too; this keeps a bad wiring from booting. */
export function checkedAakashOptions(options: AakashOptions): AakashOptions {
  if (!options.token) {
    throw new Error('An Aakash auth token is required for the Aakash SMS gateway');
  }
  if (!/^https?:\/\/[^/]/.test(options.baseUrl)) {
    throw new Error('AAKASH_BASE_URL must be an http(s) URL');
  }
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new Error('The Aakash timeout must be a positive number of milliseconds');
  }
  return { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
}
