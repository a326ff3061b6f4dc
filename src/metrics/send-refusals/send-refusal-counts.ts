import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import type { SendRefusalReason } from '../metrics-registry';
import type { StatisticsWindow } from '../../common/statistics/statistics-window';
import { RefusalCountRow, SendRefusalCountRepository } from './send-refusal-count.repository';

/** How long refusals wait in memory before they are added to the table. */
export const REFUSAL_FLUSH_INTERVAL_MS = 5000;

const HOUR_MS = 3_600_000;

interface PendingCount {
  hour: Date;
  reason: SendRefusalReason;
  count: number;
}

/**
 * Refusals per UTC hour and reason, kept in PostgreSQL for the statistics API. A refusal is
 * counted in memory (no write on the refused request's path); the counts are added to the
 * table every REFUSAL_FLUSH_INTERVAL_MS, before the table is read, and once more as the app shuts
 * down. A flush that fails keeps its counts for the next one. What a crash loses is at most the
 * last few seconds of refusal counts, never anything a limit depends on.
 */
@Injectable()
export class SendRefusalCounts implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(SendRefusalCounts.name);
  private pending = new Map<string, PendingCount>();
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly counts: SendRefusalCountRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'refusal counts not written yet; retrying');
      });
    }, REFUSAL_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Before the pool closes (TypeORM closes it in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush().catch((error: unknown) => {
      this.logger.error({ err: error }, 'refusal counts lost at shutdown');
    });
  }

  record(reason: SendRefusalReason): void {
    const at = this.clock.now().getTime();
    const hour = new Date(at - (((at % HOUR_MS) + HOUR_MS) % HOUR_MS));
    const key = `${hour.getTime()}|${reason}`;
    const entry = this.pending.get(key);
    if (entry) entry.count += 1;
    else this.pending.set(key, { hour, reason, count: 1 });
  }

  /** Adds what is in memory to the table; flushes run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.catch(() => undefined).then(() => this.write());
    return this.flushing;
  }

  /**
   * Counts per bucket and reason over the whole hours that overlap the window (refusals are kept
   * per hour), this instance's latest included.
   */
  async perBucket(window: StatisticsWindow): Promise<RefusalCountRow[]> {
    await this.flush();
    return this.counts.perBucket(window);
  }

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'send-refusal-counts-retention', timeZone: 'UTC' })
  deleteExpired(): Promise<number> {
    const before = new Date(
      this.clock.now().getTime() - this.config.otp.retentionDays * 86_400_000,
    );
    return this.counts.deleteOlderThan(before);
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.counts.add([...batch.values()]);
    } catch (error) {
      for (const [key, entry] of batch) {
        const newer = this.pending.get(key);
        if (newer) newer.count += entry.count;
        else this.pending.set(key, entry);
      }
      throw error;
    }
  }
}
