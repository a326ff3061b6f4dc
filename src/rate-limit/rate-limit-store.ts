/** How many hits a key has in its current fixed window, and when that window ends. */
export interface WindowCount {
  count: number;
  resetInMs: number;
}

/**
 * Counts hits per key in fixed windows. Abstract class = DI token: Redis when REDIS_URL is set
 * (shared by every instance), otherwise in-process memory.
 */
export abstract class RateLimitStore {
  /**
   * Counts one hit. Resolves `undefined` when the store cannot answer right now: the caller then
   * lets the request through (fail open) rather than hang or refuse it.
   */
  abstract hit(key: string, windowMs: number): Promise<WindowCount | undefined>;
}
