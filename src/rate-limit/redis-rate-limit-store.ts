import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimitStore, WindowCount } from './rate-limit-store';

/** One round trip, atomic: count the hit, start the window's TTL on its first hit, read the TTL. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

interface HitCommand {
  rateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
}

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  /** Longest a command may take before the request goes on without it. */
  timeoutMs: number;
}

/**
 * Fixed windows in Redis, shared by every instance. Redis is a guard against floods, not a
 * dependency: while it is down or slow, `hit` answers `undefined` within `timeoutMs` (commands
 * are never queued while disconnected) and the client reconnects in the background. State
 * changes are logged once each, not per request.
 */
export class RedisRateLimitStore extends RateLimitStore {
  private readonly logger = new Logger('RateLimit');
  private readonly client: Redis & HitCommand;
  private failing = false;

  constructor(private readonly options: RedisStoreOptions) {
    super();
    this.client = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      connectionName: 'phone-verify-rate-limit',
      lazyConnect: true,
      enableOfflineQueue: false, // disconnected: fail at once instead of queueing
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false, // a timed-out hit must not count twice
      commandTimeout: options.timeoutMs,
      socketTimeout: Math.max(1000, options.timeoutMs * 4), // a silent server: drop and reconnect
      connectTimeout: Math.max(1000, options.timeoutMs * 4),
      // how long disconnect() lets a socket linger; ioredis' 2 s would hold the process open
      disconnectTimeout: options.timeoutMs,
      keepAlive: 10_000,
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    }) as Redis & HitCommand;
    this.client.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.client.on('error', (error: Error) => this.markFailing(error));
    this.client.on('ready', () => this.markHealthy());
  }

  /**
   * Connects, waiting at most the connect timeout: a Redis that is down at start-up is logged
   * and retried in the background, never a reason not to start.
   */
  async connect(): Promise<void> {
    this.logger.log('Per-IP throttling counts in Redis, shared by every instance');
    try {
      await this.client.connect();
    } catch (error) {
      this.markFailing(error as Error);
    }
  }

  async hit(key: string, windowMs: number): Promise<WindowCount | undefined> {
    try {
      const [count, resetInMs] = await this.client.rateLimitHit(key, windowMs);
      this.markHealthy();
      return { count, resetInMs };
    } catch (error) {
      this.markFailing(error as Error);
      return undefined;
    }
  }

  /** Sends QUIT, or drops the socket when Redis cannot take it. */
  async close(): Promise<void> {
    this.client.removeAllListeners('error');
    this.client.on('error', () => undefined); // late socket errors after close are expected
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // fall through to disconnect
      }
    }
    this.client.disconnect();
  }

  private markFailing(error: Error): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(
      { err: { type: error.name, message: error.message } },
      'Redis is unreachable: per-IP throttling is off (requests pass) until it answers again',
    );
  }

  private markHealthy(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log('Redis answers again: per-IP throttling is back on');
  }
}
