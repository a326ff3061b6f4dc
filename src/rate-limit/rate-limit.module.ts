import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuthRateLimitGuard } from './auth-rate-limit.guard';
import { MemoryRateLimitStore } from './memory-rate-limit-store';
import { RateLimitStore } from './rate-limit-store';
import { RedisRateLimitStore } from './redis-rate-limit-store';

function createStore(config: AppConfig): RateLimitStore {
  if (!config.redisUrl) return new MemoryRateLimitStore();
  return new RedisRateLimitStore({
    url: config.redisUrl,
    keyPrefix: config.rateLimit.redisKeyPrefix,
    timeoutMs: config.rateLimit.redisTimeoutMs,
  });
}

/** Connects the store at start-up, says which one counts, and closes it at shutdown. */
@Injectable()
class RateLimitStoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');

  constructor(@Inject(RateLimitStore) private readonly store: RateLimitStore) {}

  async onModuleInit(): Promise<void> {
    if (this.store instanceof RedisRateLimitStore) {
      await this.store.connect();
    } else {
      this.logger.log(
        'Per-IP throttling counts in this process only (REDIS_URL is not set): each instance allows the full limit',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof RedisRateLimitStore) await this.store.close();
  }
}

/** The per-IP request limits and their store. Global: guards are used from feature controllers. */
@Global()
@Module({
  providers: [
    { provide: RateLimitStore, inject: [AppConfig], useFactory: createStore },
    RateLimitStoreLifecycle,
    AuthRateLimitGuard,
  ],
  exports: [RateLimitStore, AuthRateLimitGuard],
})
export class RateLimitModule {}
